import Foundation

/// One result row, copied out of libpq's result (text format). Accessors
/// read by column name; a NULL reads as nil.
public struct PostgresRow: Sendable {
    let columns: PostgresColumns
    let values: [String?]

    public func string(_ name: String) -> String? { values[columns.index(name)] }
    public func int64(_ name: String) -> Int64? { string(name).flatMap { Int64($0) } }
    public func int(_ name: String) -> Int? { string(name).flatMap { Int($0) } }
    public func double(_ name: String) -> Double? { string(name).flatMap(Self.parseDouble) }
    /// `boolean` columns ("t"/"f") and the 0/1 integers the SQLite schema uses.
    public func bool(_ name: String) -> Bool? {
        string(name).map { $0 == "t" || $0 == "true" || ($0 != "0" && Int($0) != nil) }
    }
    /// `bytea` in PostgreSQL's hex output (`\x0a1b…`).
    public func data(_ name: String) -> Data? { string(name).flatMap(Self.decodeHex) }

    /// Positional access for rows whose columns are known (`SELECT count(*)`…).
    public subscript(_ i: Int) -> String? { values[i] }
    public var columnNames: [String] { columns.names }

    static func parseDouble(_ s: String) -> Double? {
        switch s {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }

    static func decodeHex(_ s: String) -> Data? {
        let u = Array(s.utf8)
        guard u.count >= 2, u[0] == UInt8(ascii: "\\"), u[1] == UInt8(ascii: "x"), u.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out = Data(capacity: (u.count - 2) / 2)
        var i = 2
        while i < u.count {
            guard let hi = nibble(u[i]), let lo = nibble(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

/// Column names of a result, shared by its rows.
final class PostgresColumns: Sendable {
    let names: [String]
    let byName: [String: Int]
    init(_ names: [String]) {
        self.names = names
        var map: [String: Int] = [:]
        for (i, n) in names.enumerated() where map[n] == nil { map[n] = i }
        byName = map
    }
    func index(_ name: String) -> Int {
        guard let i = byName[name] else { preconditionFailure("no column \(name) in the result (\(names))") }
        return i
    }
}
