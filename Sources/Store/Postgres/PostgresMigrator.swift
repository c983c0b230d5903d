import Foundation

/// One schema step, named like its SQLite twin (`sending.1-outbox`) so
/// `state show` reports the same version on both backends.
public struct PostgresMigration: Sendable {
    public var identifier: String
    public var sql: String
    public init(_ identifier: String, _ sql: String) { self.identifier = identifier; self.sql = sql }
}

/// A concern's PostgreSQL schema, in the order of its SQLite migrations.
public protocol PostgresStoreMigrations {
    static var postgresMigrations: [PostgresMigration] { get }
}

/// Applies missing migrations in one transaction under an advisory lock
/// (two processes opening a new database at once: one migrates, the other
/// waits and finds it done); refuses a database migrated by a newer
/// `reconcile`, as the SQLite store does.
struct PostgresMigrator {
    static let table = "reconcile_schema_migrations"
    /// `pg_advisory_xact_lock` key of schema changes ("rcmg").
    static let lockKey: Int64 = 0x7263_6d67

    var migrations: [PostgresMigration]

    func migrate(_ db: PostgresDatabase) throws {
        try db.transaction { c in
            try c.query("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
            try c.query("CREATE TABLE IF NOT EXISTS \(Self.table) (identifier TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
            let applied = Set(try c.rows("SELECT identifier FROM \(Self.table)").compactMap { $0[0] })
            let unknown = applied.subtracting(migrations.map(\.identifier))
            if !unknown.isEmpty {
                throw PostgresError(kind: .usage, message: "a newer reconcile migrated this database (unknown migrations: \(unknown.sorted().joined(separator: ", "))); upgrade reconcile",
                                    server: db.url.redacted)
            }
            for m in migrations where !applied.contains(m.identifier) {
                try c.execute(script: m.sql)
                try c.query("INSERT INTO \(Self.table) (identifier, applied_at) VALUES ($1, $2)", [m.identifier, Date().timeIntervalSince1970])
            }
        }
    }

    static func applied(_ c: PostgresConnection) throws -> [String] {
        try c.rows("SELECT identifier FROM \(table) ORDER BY applied_at, identifier").compactMap { $0[0] }
    }
}
