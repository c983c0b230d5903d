import Foundation
import GRDB

/// One cell of the state, read from either backend into the same value, so
/// a copy's rows compare (and hash) equal across SQLite and PostgreSQL.
public enum StateValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)

    /// The column's type by SQLite's affinity rules; PostgreSQL declares the
    /// same columns BIGINT, DOUBLE PRECISION, TEXT and BYTEA.
    public enum Kind: Sendable, Hashable {
        case integer, real, text, blob

        init(declared: String) {
            let t = declared.uppercased()
            if t.contains("INT") { self = .integer }
            else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { self = .text }
            else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { self = .real }
            else if t.isEmpty || t.contains("BLOB") { self = .blob }
            else { self = .real }
        }
    }

    /// SQLite stores what it was given; the column's kind decides how it reads.
    init(sqlite value: DatabaseValue, kind: Kind) {
        switch value.storage {
        case .null: self = .null
        case .int64(let i): self = kind == .real ? .double(Double(i)) : .int(i)
        case .double(let d):
            if kind == .integer, let i = Int64(exactly: d) { self = .int(i) } else { self = .double(d) }
        // PostgreSQL's BYTEA and TEXT take only their own kind: text in a
        // BLOB column is its UTF-8 bytes, UTF-8 bytes in a TEXT column text.
        case .string(let s): self = kind == .blob ? .blob(Data(s.utf8)) : .text(s)
        case .blob(let b):
            if kind == .text, let s = String(data: b, encoding: .utf8) { self = .text(s) } else { self = .blob(b) }
        }
    }

    /// libpq hands every value over as text (bytea as `\x` hex).
    init(postgres text: String?, kind: Kind) {
        guard let text else { self = .null; return }
        switch kind {
        case .integer: self = Int64(text).map(StateValue.int) ?? .text(text)
        case .real: self = PostgresRow.parseDouble(text).map(StateValue.double) ?? .text(text)
        case .text: self = .text(text)
        case .blob: self = PostgresRow.decodeHex(text).map(StateValue.blob) ?? .text(text)
        }
    }

    var sqlite: DatabaseValue {
        switch self {
        case .null: return .null
        case .int(let i): return i.databaseValue
        case .double(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return b.databaseValue
        }
    }

    var postgres: PostgresValue {
        switch self {
        case .null: return .null
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .text(let s): return .text(s)
        case .blob(let b): return .bytes(b)
        }
    }

    /// Type-tagged and round-trip exact (Swift's shortest repr. of a double
    /// reads back as the same bits), so equal text means equal values.
    public var canonical: String {
        switch self {
        case .null: return "n"
        case .int(let i): return "i\(i)"
        case .double(let d): return "d\(d)"
        case .text(let s): return "t" + s
        case .blob(let b): return "b" + b.map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Primary-key order independent of a database's collation: numbers by
    /// value, text by its UTF-8 bytes.
    static func precedes(_ a: StateValue, _ b: StateValue) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y
        case let (.double(x), .double(y)): return x < y
        case let (.text(x), .text(y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        case let (.blob(x), .blob(y)): return x.lexicographicallyPrecedes(y)
        default: return a.canonical.utf8.lexicographicallyPrecedes(b.canonical.utf8)
        }
    }
}
