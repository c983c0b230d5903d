extension Substring {
    func trimmingWhitespace() -> String { String(self).trimmingWhitespace() }
}
