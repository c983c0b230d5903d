/// Where a value came from in the inventory YAML, so that any later stage
/// (validation, compilation, planning) can point the operator at the line to edit.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The file path as the operator gave it (`inventory/groups/g1.yaml`).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// For values that were not written in YAML (defaults, generated values).
    public static let builtIn = SourceLocation(file: "<default>", line: 0, column: 0)

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// Set to `true` in an encoder's `userInfo` to encode every location as `null`:
    /// comparing encodings then compares values, not where they were written
    /// (`DesiredState.changedSinceDiff(since:)`), however deep a location sits.
    public static let erasedInEncoding = CodingUserInfoKey(rawValue: "inventory.sourceLocation.erased")!

    private enum CodingKeys: String, CodingKey { case file, line, column }

    public func encode(to encoder: any Encoder) throws {
        if encoder.userInfo[Self.erasedInEncoding] as? Bool == true {
            var c = encoder.singleValueContainer()
            try c.encodeNil()
            return
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
    }
}
