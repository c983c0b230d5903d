import Foundation
import GRDB

/// Where an action stands in the journal.
public enum JournalState: String, Sendable, Hashable, Codable {
    /// Written before the provider call. Still `started` when a run is
    /// opened later means the process died mid-call: the outcome is unknown.
    case started
    case succeeded
    case failed
    /// Waiting on something outside us (DNS propagation); the next run continues.
    case pending
    /// Not run because an action it depends on did not succeed.
    case skipped
    /// An unknown outcome that a later run re-read and found in effect.
    case recoveredApplied
    /// An unknown outcome that a later run re-read and found not in effect.
    case recoveredAbsent
}

public struct JournalEntry: Sendable, Hashable {
    public var runID: String
    public var planDigest: String
    public var actionID: String
    /// The action as the reconciler encoded it (so recovery needs no plan).
    public var action: Data
    public var state: JournalState
    public var outputs: [String: String]
    public var detail: String?
    public var startedAt: Date
    public var finishedAt: Date?

    init(row: Row) throws {
        runID = row["run_id"]
        planDigest = row["plan_digest"]
        actionID = row["action_id"]
        action = row["action"]
        state = JournalState(rawValue: row["state"]) ?? .started
        if let data: Data = row["outputs"] {
            outputs = try JSONDecoder().decode([String: String].self, from: data)
        } else {
            outputs = [:]
        }
        detail = row["detail"]
        startedAt = Date(timeIntervalSince1970: row["started_at"])
        finishedAt = (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:))
    }

    init(row: PostgresRow) throws {
        runID = row.string("run_id") ?? ""
        planDigest = row.string("plan_digest") ?? ""
        actionID = row.string("action_id") ?? ""
        action = row.data("action") ?? Data()
        state = row.string("state").flatMap(JournalState.init(rawValue:)) ?? .started
        if let data = row.data("outputs") {
            outputs = try JSONDecoder().decode([String: String].self, from: data)
        } else {
            outputs = [:]
        }
        detail = row.string("detail")
        startedAt = Date(timeIntervalSince1970: row.double("started_at") ?? 0)
        finishedAt = row.double("finished_at").map(Date.init(timeIntervalSince1970:))
    }
}

/// The apply journal: every action is written before and after it runs, so
/// an apply killed at any point leaves a record of what may have happened.
/// On PostgreSQL the journal is shared: an apply killed on one runner is
/// recovered by the next apply on any runner.
public struct ApplyJournal: Sendable {
    let backend: StateStore.Backend

    public init(_ store: StateStore) { self.backend = store.backend }

    public func beginRun(_ runID: String, planDigest: String, holder: String, now: Date) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO reconcile_run (run_id, plan_digest, holder, started_at) VALUES (?, ?, ?, ?)",
                               arguments: [runID, planDigest, holder, now.timeIntervalSince1970])
            }
        case .postgres(let db):
            try await db.statement { c in
                try c.query("INSERT INTO reconcile_run (run_id, plan_digest, holder, started_at) VALUES ($1, $2, $3, $4)",
                            [runID, planDigest, holder, now.timeIntervalSince1970])
            }
        }
    }

    public func endRun(_ runID: String, status: String, now: Date) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: "UPDATE reconcile_run SET finished_at = ?, status = ? WHERE run_id = ?",
                               arguments: [now.timeIntervalSince1970, status, runID])
            }
        case .postgres(let db):
            try await db.statement { c in
                try c.query("UPDATE reconcile_run SET finished_at = $1, status = $2 WHERE run_id = $3",
                            [now.timeIntervalSince1970, status, runID])
            }
        }
    }

    /// Written (and committed) before the provider is called.
    public func started(run runID: String, planDigest: String, actionID: String, action: Data, now: Date) async throws {
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO reconcile_journal (run_id, plan_digest, action_id, action, state, started_at)
                    VALUES (?, ?, ?, ?, 'started', ?)
                    """, arguments: [runID, planDigest, actionID, action, now.timeIntervalSince1970])
            }
        case .postgres(let db):
            try await db.statement { c in
                try c.query("""
                    INSERT INTO reconcile_journal (run_id, plan_digest, action_id, action, state, started_at)
                    VALUES ($1, $2, $3, $4, 'started', $5)
                    """, [runID, planDigest, actionID, action, now.timeIntervalSince1970])
            }
        }
    }

    /// Records an outcome. For actions that never started (skipped), writes the row whole.
    public func finished(run runID: String, planDigest: String, actionID: String, action: Data,
                         state: JournalState, outputs: [String: String] = [:], detail: String? = nil,
                         now: Date) async throws {
        let outputData = outputs.isEmpty ? nil : try JSONEncoder().encode(outputs)
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO reconcile_journal (run_id, plan_digest, action_id, action, state, outputs, detail, started_at, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(run_id, action_id) DO UPDATE SET state = excluded.state, outputs = excluded.outputs,
                      detail = excluded.detail, finished_at = excluded.finished_at
                    """, arguments: [runID, planDigest, actionID, action, state.rawValue, outputData, detail,
                                     now.timeIntervalSince1970, now.timeIntervalSince1970])
            }
        case .postgres(let db):
            try await db.statement { c in
                try c.query("""
                    INSERT INTO reconcile_journal (run_id, plan_digest, action_id, action, state, outputs, detail, started_at, finished_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    ON CONFLICT (run_id, action_id) DO UPDATE SET state = excluded.state, outputs = excluded.outputs,
                      detail = excluded.detail, finished_at = excluded.finished_at
                    """, [runID, planDigest, actionID, action, state.rawValue, outputData, detail,
                          now.timeIntervalSince1970, now.timeIntervalSince1970])
            }
        }
    }

    /// Actions journaled as started and never finished, by any run: their
    /// outcome is unknown until re-read.
    public func unknownOutcomes() async throws -> [JournalEntry] {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM reconcile_journal WHERE state = 'started' ORDER BY seq")
                    .map(JournalEntry.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_journal WHERE state = 'started' ORDER BY seq").map(JournalEntry.init(row:))
            }
        }
    }

    /// Settles an unknown outcome after re-reading the provider.
    public func resolve(run runID: String, actionID: String, as state: JournalState,
                        outputs: [String: String] = [:], detail: String?, now: Date) async throws {
        let outputData = outputs.isEmpty ? nil : try JSONEncoder().encode(outputs)
        switch backend {
        case .sqlite(let pool):
            try await pool.write { db in
                try db.execute(sql: """
                    UPDATE reconcile_journal SET state = ?, outputs = ?, detail = ?, finished_at = ?
                    WHERE run_id = ? AND action_id = ? AND state = 'started'
                    """, arguments: [state.rawValue, outputData, detail, now.timeIntervalSince1970, runID, actionID])
            }
        case .postgres(let db):
            try await db.statement { c in
                try c.query("""
                    UPDATE reconcile_journal SET state = $1, outputs = $2, detail = $3, finished_at = $4
                    WHERE run_id = $5 AND action_id = $6 AND state = 'started'
                    """, [state.rawValue, outputData, detail, now.timeIntervalSince1970, runID, actionID])
            }
        }
    }

    /// The latest entry for an action of the plan with this digest, from any
    /// run: how a resumed apply of the same plan knows what is already done.
    public func latest(planDigest: String, actionID: String) async throws -> JournalEntry? {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT * FROM reconcile_journal WHERE plan_digest = ? AND action_id = ? ORDER BY seq DESC LIMIT 1
                    """, arguments: [planDigest, actionID]).map(JournalEntry.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("""
                    SELECT * FROM reconcile_journal WHERE plan_digest = $1 AND action_id = $2 ORDER BY seq DESC LIMIT 1
                    """, [planDigest, actionID]).first.map(JournalEntry.init(row:))
            }
        }
    }

    public func entries(run runID: String) async throws -> [JournalEntry] {
        switch backend {
        case .sqlite(let pool):
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM reconcile_journal WHERE run_id = ? ORDER BY seq", arguments: [runID])
                    .map(JournalEntry.init(row:))
            }
        case .postgres(let db):
            return try await db.statement { c in
                try c.rows("SELECT * FROM reconcile_journal WHERE run_id = $1 ORDER BY seq", [runID]).map(JournalEntry.init(row:))
            }
        }
    }
}
