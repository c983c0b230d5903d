import Foundation
import GRDB

extension ObservationCache {
    /// Every observation of these kinds, in one query: an observer that
    /// reads several resources per domain (the mail platforms: three) loads
    /// them at once instead of one query per resource.
    public func load(kinds: [String]) async throws -> [Observation] {
        guard !kinds.isEmpty else { return [] }
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                let marks = Array(repeating: "?", count: kinds.count).joined(separator: ", ")
                // A cursor: each row is read in place, not copied first.
                let rows = try Row.fetchCursor(db, sql: "SELECT \(Observation.columns) FROM reconcile_observation WHERE kind IN (\(marks)) ORDER BY address",
                                               arguments: StatementArguments(kinds))
                return try Array(rows.map(Observation.init(row:)))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_observation WHERE kind IN (\(PostgresBatch.list(kinds.count))) ORDER BY address COLLATE \"C\"",
                           kinds).map(Observation.init(row:))
            }
        }
    }
}
