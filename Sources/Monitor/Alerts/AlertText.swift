import Store

/// The words of alert messages: one change alone, or a digest of many.
public enum AlertText {
    /// Telegram's limit is 4096 characters; the client cuts, we shorten first.
    static let limit = 3800

    public static func single(_ a: QueuedAlert) -> String {
        switch a.kind {
        case .open: return "ALERT \(a.key)\n\(a.text)"
        case .clear: return "CLEARED \(a.key)\n\(a.text)"
        case .notice: return a.text
        }
    }

    /// Many changes in one message: per condition, how often it opened and
    /// cleared and where it stands now (its last change wins).
    public static func digest(_ alerts: [QueuedAlert]) -> String {
        guard alerts.count > 1 else { return alerts.first.map(single) ?? "" }
        var order: [String] = []
        var byKey: [String: (opened: Int, cleared: Int, notices: Int, last: QueuedAlert)] = [:]
        for a in alerts {
            var e = byKey[a.key] ?? (0, 0, 0, a)
            if byKey[a.key] == nil { order.append(a.key) }
            switch a.kind {
            case .open: e.opened += 1
            case .clear: e.cleared += 1
            case .notice: e.notices += 1
            }
            e.last = a
            byKey[a.key] = e
        }
        var lines = ["DIGEST: \(alerts.count) alert changes on \(order.count) condition\(order.count == 1 ? "" : "s")"]
        var used = lines[0].count
        for (i, key) in order.enumerated() {
            let e = byKey[key]!
            var counts: [String] = []
            if e.opened > 0 { counts.append("opened \(e.opened)×") }
            if e.cleared > 0 { counts.append("cleared \(e.cleared)×") }
            if e.notices > 0 { counts.append("\(e.notices) notice\(e.notices == 1 ? "" : "s")") }
            let now = e.last.kind == .open ? "OPEN" : e.last.kind == .clear ? "clear" : "notice"
            let line = "- \(key): \(counts.joined(separator: ", ")); now \(now): \(e.last.text)"
            if used + line.count + 1 > limit {
                lines.append("… and \(order.count - i) more conditions")
                break
            }
            lines.append(line)
            used += line.count + 1
        }
        return lines.joined(separator: "\n")
    }
}
