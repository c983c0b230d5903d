import Foundation
import GRDB

/// The last observation of one resource: its canonical state (JSON bytes,
/// opaque to the store), the state's hash, and when it was read.
public struct Observation: Sendable, Hashable {
    public var address: String
    public var domain: String
    public var kind: String
    public var state: Data
    public var hash: String
    public var observedAt: Date

    public init(address: String, domain: String, kind: String, state: Data, hash: String, observedAt: Date) {
        self.address = address
        self.domain = domain
        self.kind = kind
        self.state = state
        self.hash = hash
        self.observedAt = observedAt
    }

    init(row: Row) {
        self.init(address: row["address"], domain: row["domain"], kind: row["kind"], state: row["state"],
                  hash: row["hash"], observedAt: Date(timeIntervalSince1970: row["observed_at"]))
    }
}

/// Observation cache: one row per resource address, replaced on each read.
public struct ObservationCache: Sendable {
    let pool: DatabasePool

    public init(_ store: StateStore) { self.pool = store.pool }

    public func save(_ observations: [Observation]) async throws {
        try await pool.write { db in
            for o in observations {
                try db.execute(sql: """
                    INSERT INTO reconcile_observation (address, domain, kind, state, hash, observed_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(address) DO UPDATE SET domain = excluded.domain, kind = excluded.kind,
                      state = excluded.state, hash = excluded.hash, observed_at = excluded.observed_at
                    """, arguments: [o.address, o.domain, o.kind, o.state, o.hash, o.observedAt.timeIntervalSince1970])
            }
        }
    }

    public func load(_ address: String) async throws -> Observation? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reconcile_observation WHERE address = ?", arguments: [address])
                .map(Observation.init(row:))
        }
    }

    public func load(domain: String) async throws -> [Observation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reconcile_observation WHERE domain = ? ORDER BY address",
                             arguments: [domain]).map(Observation.init(row:))
        }
    }

    public func all() async throws -> [Observation] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reconcile_observation ORDER BY address").map(Observation.init(row:))
        }
    }

    /// Forgets observations an apply has made stale, so the next plan reads them.
    public func invalidate(_ addresses: [String]) async throws {
        try await pool.write { db in
            for a in addresses {
                try db.execute(sql: "DELETE FROM reconcile_observation WHERE address = ?", arguments: [a])
            }
        }
    }

    /// Forgets every observation of one kind.
    public func invalidate(kind: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM reconcile_observation WHERE kind = ?", arguments: [kind])
        }
    }
}
