import Foundation
import GRDB

/// Which records the tool created or adopted, per domain. A record listed
/// here is managed even after the inventory stops declaring it, so removing
/// it from the inventory deletes it; anything else is never touched.
/// Records are opaque strings to the store (the reconciler's canonical key).
public struct RecordOwnership: Sendable {
    let backend: StateStore.Backend

    public init(_ store: StateStore) { self.backend = store.backend }

    public func owned(domain: String) async throws -> Set<String> {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                Set(try String.fetchAll(db, sql: "SELECT record FROM reconcile_ownership WHERE domain = ?",
                                        arguments: [domain]))
            }
        case .postgres(let db):
            return try await db.statement { c in
                Set(try c.rows("SELECT record FROM reconcile_ownership WHERE domain = $1", [domain]).compactMap { $0[0] })
            }
        }
    }

    public func record(domain: String, adding: [String], removing: [String], now: Date) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                for r in removing {
                    try db.execute(sql: "DELETE FROM reconcile_ownership WHERE domain = ? AND record = ?",
                                   arguments: [domain, r])
                }
                for r in adding {
                    try db.execute(sql: "INSERT OR IGNORE INTO reconcile_ownership (domain, record, since) VALUES (?, ?, ?)",
                                   arguments: [domain, r, now.timeIntervalSince1970])
                }
            }
        case .postgres(let db):
            let since = now.timeIntervalSince1970
            try await db.write { c in
                for batch in PostgresBatch.chunks(removing, columns: 1) {
                    try c.query("DELETE FROM reconcile_ownership WHERE domain = $1 AND record IN (\(PostgresBatch.list(batch.count, from: 2)))",
                                [domain] + Array(batch))
                }
                for batch in PostgresBatch.chunks(adding, columns: 3) {
                    try c.query("""
                        INSERT INTO reconcile_ownership (domain, record, since) VALUES \(PostgresBatch.values(rows: batch.count, columns: 3))
                        ON CONFLICT DO NOTHING
                        """, batch.flatMap { r -> [any PostgresEncodable] in [domain, r, since] })
                }
            }
        }
    }

    /// Every domain's owned records in one read (planning a whole fleet).
    public func ownedByDomain() async throws -> [String: Set<String>] {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                var out: [String: Set<String>] = [:]
                let rows = try Row.fetchCursor(db, sql: "SELECT domain, record FROM reconcile_ownership")
                while let row = try rows.next() { out[row[0] as String, default: []].insert(row[1]) }
                return out
            }
        case .postgres(let db):
            return try await db.statement { c in
                var out: [String: Set<String>] = [:]
                for row in try c.rows("SELECT domain, record FROM reconcile_ownership") {
                    if let d = row[0], let r = row[1] { out[d, default: []].insert(r) }
                }
                return out
            }
        }
    }
}
