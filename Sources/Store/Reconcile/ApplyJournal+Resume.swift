import Foundation
import GRDB

extension ApplyJournal {
    /// What earlier runs of the plan with this digest did that a new run of
    /// it continues: the latest entry per action, counting only runs since
    /// the plan last converged and since any run of another plan. A plan
    /// fingerprint recurs when a change is reverted and made again (the same
    /// inventory over the same world): that is a new apply, not a resumed
    /// one, and must not find its actions "already applied".
    public func resumable(planDigest: String) async throws -> [String: JournalEntry] {
        let cutoff = """
            SELECT COALESCE(MAX(j.seq), 0) FROM reconcile_journal j JOIN reconcile_run r ON r.run_id = j.run_id
            WHERE j.plan_digest <> %1 OR r.status = 'converged'
            """
        let sql = """
            SELECT * FROM reconcile_journal WHERE plan_digest = %1 AND seq > (\(cutoff)) ORDER BY seq
            """
        var out: [String: JournalEntry] = [:]
        switch backend {
        case .sqlite(let pool):
            let rows = try await pool.read { db in
                try Row.fetchAll(db, sql: sql.replacingOccurrences(of: "%1", with: "?1"), arguments: [planDigest]).map(JournalEntry.init(row:))
            }
            for e in rows { out[e.actionID] = e }
        case .postgres(let db):
            let rows = try await db.statement { c in
                try c.rows(sql.replacingOccurrences(of: "%1", with: "$1"), [planDigest]).map(JournalEntry.init(row:))
            }
            for e in rows { out[e.actionID] = e }
        }
        return out
    }
}
