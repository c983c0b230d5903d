/// Placeholders for statements over many rows at once: one round trip per
/// batch instead of per row. PostgreSQL takes at most 65535 parameters.
enum PostgresBatch {
    static let maxParameters = 30_000

    /// `($1, $2, $3), ($4, $5, $6)…` for `rows` rows of `columns` values.
    static func values(rows: Int, columns: Int) -> String {
        (0..<rows).map { r in
            "(" + (1...columns).map { "$\(r * columns + $0)" }.joined(separator: ", ") + ")"
        }.joined(separator: ", ")
    }

    /// `$1, $2, …, $n`.
    static func list(_ n: Int, from first: Int = 1) -> String {
        (first..<(first + n)).map { "$\($0)" }.joined(separator: ", ")
    }

    /// `items` in slices small enough for one statement each.
    static func chunks<T>(_ items: [T], columns: Int) -> [ArraySlice<T>] {
        let size = max(1, maxParameters / max(1, columns))
        return stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }
}
