import Crypto
import Foundation
import GRDB

/// A table's contents as read in one snapshot: the rows in primary-key
/// order, and their digest (SHA-256 of the canonical rows), the same on
/// both backends for the same data.
public struct TableContents: Sendable {
    public var table: StateSchema.Table
    public var rows: [[StateValue]]

    init(table: StateSchema.Table, unordered: [[StateValue]]) {
        self.table = table
        let key = table.primaryKey.isEmpty ? Array(table.columns.indices)
            : table.primaryKey.compactMap { name in table.columns.firstIndex { $0.name == name } }
        rows = unordered.sorted { a, b in
            for i in key where a[i] != b[i] { return StateValue.precedes(a[i], b[i]) }
            return false
        }
    }

    public var digest: String {
        var hash = SHA256()
        for row in rows {
            hash.update(data: Data((row.map(\.canonical).joined(separator: "\u{1F}") + "\u{1E}").utf8))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Raw access to a state's tables, below the concerns' stores: GRDB rows
/// for SQLite, libpq text for PostgreSQL.
struct StateTables {
    let store: StateStore
    let schema: StateSchema

    func appliedMigrations() throws -> [String] {
        switch store.backend {
        case .sqlite(let pool):
            return try pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
        case .postgres(let pg):
            return try pg.withConnection { try PostgresMigrator.applied($0) }
        }
    }

    func counts(_ tables: [StateSchema.Table]) throws -> [String: Int] {
        let sql = { (t: StateSchema.Table) in "SELECT count(*) FROM \(Self.quoted(t.name))" }
        switch store.backend {
        case .sqlite(let pool):
            return try pool.read { db in
                try Dictionary(uniqueKeysWithValues: tables.map { ($0.name, try Int.fetchOne(db, sql: sql($0)) ?? 0) })
            }
        case .postgres(let pg):
            return try pg.withConnection { c in
                try Dictionary(uniqueKeysWithValues: tables.map { ($0.name, Int(try c.scalar(sql($0)) ?? "0") ?? 0) })
            }
        }
    }

    /// Every table's rows from one snapshot (a read transaction on SQLite,
    /// a repeatable-read transaction on PostgreSQL).
    func contents(_ tables: [StateSchema.Table]) throws -> [TableContents] {
        switch store.backend {
        case .sqlite(let pool):
            return try pool.read { db in
                try tables.map { t in
                    let rows = try Row.fetchAll(db, sql: Self.select(t)).map { row in
                        t.columns.indices.map { StateValue(sqlite: row[$0] as DatabaseValue, kind: t.columns[$0].kind) }
                    }
                    return TableContents(table: t, unordered: rows)
                }
            }
        case .postgres(let pg):
            return try pg.transaction { c in
                try c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                return try tables.map { t in
                    let rows = try c.rows(Self.select(t)).map { row in
                        t.columns.indices.map { StateValue(postgres: row[$0], kind: t.columns[$0].kind) }
                    }
                    return TableContents(table: t, unordered: rows)
                }
            }
        }
    }

    /// Replaces the rows of `contents`' tables in one transaction: deletes in
    /// reverse dependency order, inserts in order, keeps identity values and
    /// moves PostgreSQL's sequences past them.
    func replace(with contents: [TableContents]) throws {
        switch store.backend {
        case .sqlite(let pool):
            try pool.write { db in
                for c in contents.reversed() { try db.execute(sql: "DELETE FROM \(Self.quoted(c.table.name))") }
                for c in contents {
                    let statement = try db.makeStatement(sql: Self.insert(c.table, placeholder: { _ in "?" }))
                    for row in c.rows {
                        try statement.execute(arguments: StatementArguments(row.map(\.sqlite)))
                    }
                }
            }
        case .postgres(let pg):
            try pg.transaction { conn in
                for c in contents.reversed() { try conn.query("DELETE FROM \(Self.quoted(c.table.name))") }
                for c in contents {
                    // Many rows a statement (a round trip each), within the 65 535 parameters of one.
                    let size = max(1, min(500, 60_000 / c.table.columns.count))
                    for start in stride(from: 0, to: c.rows.count, by: size) {
                        let chunk = c.rows[start..<min(c.rows.count, start + size)]
                        try conn.query(Self.insert(c.table, rows: chunk.count), chunk.flatMap { $0.map(\.postgres) })
                    }
                    if let id = c.table.identity {
                        // The next generated value continues after the copied ones.
                        try conn.query("SELECT setval(pg_get_serial_sequence($1, $2), (SELECT COALESCE(MAX(\(Self.quoted(id))), 0) + 1 FROM \(Self.quoted(c.table.name))), false)",
                                       [c.table.name, id])
                    }
                }
            }
        }
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func select(_ t: StateSchema.Table) -> String {
        "SELECT \(t.columns.map { quoted($0.name) }.joined(separator: ", ")) FROM \(quoted(t.name))"
    }

    /// `INSERT … VALUES ($1, $2), ($3, $4)…` for `rows` rows.
    static func insert(_ t: StateSchema.Table, rows: Int) -> String {
        let width = t.columns.count
        let tuples = (0..<rows).map { r in "(" + (0..<width).map { "$\(r * width + $0 + 1)" }.joined(separator: ", ") + ")" }
        return "INSERT INTO \(quoted(t.name)) (\(t.columns.map { quoted($0.name) }.joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ")
    }

    static func insert(_ t: StateSchema.Table, placeholder: (Int) -> String) -> String {
        "INSERT INTO \(quoted(t.name)) (\(t.columns.map { quoted($0.name) }.joined(separator: ", "))) VALUES ("
            + t.columns.indices.map(placeholder).joined(separator: ", ") + ")"
    }
}
