import GRDB
import GRDBSQLite

/// Binds and steps a prepared statement through the SQLite C API, for the
/// statements `enqueue` runs once per recipient: GRDB's `StatementArguments`
/// box every value through generic code, which cost about a third of the
/// per-row time. The statement belongs to the caller's open transaction.
struct SQLiteRowWriter {
    /// A value for one placeholder.
    enum Value {
        case text(String)
        case real(Double)
        case null

        init(_ text: String?) { self = text.map(Value.text) ?? .null }
    }

    let statement: Statement
    private var next: Int32 = 1

    init(_ statement: Statement) { self.statement = statement }

    /// Binds the next placeholder (1, 2, … in order).
    mutating func bind(_ value: Value) {
        let s = statement.sqliteStatement
        switch value {
        case .text(var text):
            // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
            text.withUTF8 { bytes in
                // An empty buffer has no address, and a nil pointer would bind NULL.
                guard let base = bytes.baseAddress, !bytes.isEmpty else { _ = sqlite3_bind_text(s, next, "", 0, Self.transient); return }
                _ = sqlite3_bind_text(s, next, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
            }
        case .real(let d): _ = sqlite3_bind_double(s, next, d)
        case .null: _ = sqlite3_bind_null(s, next)
        }
        next += 1
    }

    /// Runs the statement with what was bound, then resets it for the next row.
    mutating func execute(_ db: Database) throws {
        let s = statement.sqliteStatement
        next = 1
        let code = sqlite3_step(s)
        defer { sqlite3_reset(s); sqlite3_clear_bindings(s) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                                sql: statement.sql)
        }
    }

    private static var transient: sqlite3_destructor_type { unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self) }
}
