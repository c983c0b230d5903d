import Foundation
import GRDB

extension ApplyJournal {
    /// Runs that began and never ended: their process died (or threw) before
    /// `endRun`. Only meaningful under the apply lock, when no run is live.
    public func unendedRuns() async throws -> [String] {
        let sql = "SELECT run_id FROM reconcile_run WHERE finished_at IS NULL ORDER BY started_at, run_id"
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in try String.fetchAll(db, sql: sql) }
        case .postgres(let db):
            return try await db.statement { c in try c.rows(sql).compactMap { $0.string("run_id") } }
        }
    }

    /// Closes a run whose process is gone, so it is handled once.
    public func abandon(run runID: String, now: Date) async throws {
        try await endRun(runID, status: "abandoned", now: now)
    }
}
