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

    /// The columns `init(row:)` reads, by position (a lookup by name costs
    /// more than the value when a plan loads thousands of rows).
    static let columns = "address, domain, kind, state, hash, observed_at"

    /// A row selected with `columns`.
    init(row: Row) {
        self.init(address: row[0], domain: row[1], kind: row[2], state: row[3],
                  hash: row[4], observedAt: Date(timeIntervalSince1970: row[5]))
    }

    init(row: PostgresRow) {
        self.init(address: row.string("address") ?? "", domain: row.string("domain") ?? "", kind: row.string("kind") ?? "",
                  state: row.data("state") ?? Data(), hash: row.string("hash") ?? "",
                  observedAt: Date(timeIntervalSince1970: row.double("observed_at") ?? 0))
    }
}

/// Observation cache: one row per resource address, replaced on each read.
/// On PostgreSQL addresses sort bytewise (`COLLATE "C"`), as in SQLite.
public struct ObservationCache: Sendable {
    let backend: StateStore.Backend

    public init(_ store: StateStore) { self.backend = store.backend }

    public func save(_ observations: [Observation]) async throws {
        switch backend {
        case .sqlite(let pool):
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
        case .postgres(let db):
            // One statement per batch (a round trip per row costs a fleet seconds);
            // the last observation of an address wins, as the SQLite loop's does.
            var latest: [String: Int] = [:]
            for (i, o) in observations.enumerated() { latest[o.address] = i }
            let rows = observations.enumerated().filter { latest[$0.element.address] == $0.offset }.map(\.element)
            let batches = PostgresBatch.chunks(rows, columns: 6)
            if batches.isEmpty { return }
            @Sendable func upsert(_ c: PostgresConnection) throws {
                for batch in batches {
                    try c.query("""
                        INSERT INTO reconcile_observation (address, domain, kind, state, hash, observed_at)
                        VALUES \(PostgresBatch.values(rows: batch.count, columns: 6))
                        ON CONFLICT (address) DO UPDATE SET domain = excluded.domain, kind = excluded.kind,
                          state = excluded.state, hash = excluded.hash, observed_at = excluded.observed_at
                        """, batch.flatMap { o -> [any PostgresEncodable] in
                            [o.address, o.domain, o.kind, o.state, o.hash, o.observedAt.timeIntervalSince1970]
                        })
                }
            }
            // One statement commits by itself; several share a transaction.
            if batches.count > 1 { try await db.write(upsert) } else { try await db.statement(upsert) }
        }
    }

    public func load(_ address: String) async throws -> Observation? {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Observation.columns) FROM reconcile_observation WHERE address = ?", arguments: [address])
                    .map(Observation.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_observation WHERE address = $1", [address]).first.map(Observation.init(row:))
            }
        }
    }

    public func load(domain: String) async throws -> [Observation] {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Observation.columns) FROM reconcile_observation WHERE domain = ? ORDER BY address",
                                 arguments: [domain]).map(Observation.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_observation WHERE domain = $1 ORDER BY address COLLATE \"C\"", [domain])
                    .map(Observation.init(row:))
            }
        }
    }

    public func all() async throws -> [Observation] {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Observation.columns) FROM reconcile_observation ORDER BY address").map(Observation.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_observation ORDER BY address COLLATE \"C\"").map(Observation.init(row:))
            }
        }
    }

    /// Forgets observations an apply has made stale, so the next plan reads them.
    public func invalidate(_ addresses: [String]) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                for a in addresses {
                    try db.execute(sql: "DELETE FROM reconcile_observation WHERE address = ?", arguments: [a])
                }
            }
        case .postgres(let db):
            try await db.write { c in
                for batch in PostgresBatch.chunks(addresses, columns: 1) {
                    try c.query("DELETE FROM reconcile_observation WHERE address IN (\(PostgresBatch.list(batch.count)))", Array(batch))
                }
            }
        }
    }

    /// Forgets every observation of one kind.
    public func invalidate(kind: String) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM reconcile_observation WHERE kind = ?", arguments: [kind])
            }
        case .postgres(let db):
            try await db.statement { c in try c.query("DELETE FROM reconcile_observation WHERE kind = $1", [kind]) }
        }
    }
}
