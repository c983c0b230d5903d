import Foundation
import GRDB

/// Which records the tool created or adopted, per domain. A record listed
/// here is managed even after the inventory stops declaring it, so removing
/// it from the inventory deletes it; anything else is never touched.
/// Records are opaque strings to the store (the reconciler's canonical key).
public struct RecordOwnership: Sendable {
    let pool: DatabasePool

    public init(_ store: StateStore) { self.pool = store.pool }

    public func owned(domain: String) async throws -> Set<String> {
        try await pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT record FROM reconcile_ownership WHERE domain = ?",
                                    arguments: [domain]))
        }
    }

    public func record(domain: String, adding: [String], removing: [String], now: Date) async throws {
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
    }

    /// Every domain's owned records in one read (planning a whole fleet).
    public func ownedByDomain() async throws -> [String: Set<String>] {
        try await pool.read { db in
            var out: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT domain, record FROM reconcile_ownership") {
                out[row["domain"], default: []].insert(row["record"])
            }
            return out
        }
    }
}
