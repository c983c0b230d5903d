import Foundation
import GRDB

/// The alert queue on the state (the SQLite file or PostgreSQL). A condition's open and clear are
/// queued in the same transaction that flips it, so whatever process
/// raised it (`serve`, `apply`, `drift`) a running alerter delivers it
/// exactly once per change; repeating an open condition queues nothing.
public struct AlertStore: Sendable {
    let backend: StateStore.Backend

    public init(_ store: StateStore) { self.backend = store.backend }

    /// Opens or clears a condition; true when it changed (and a message was queued).
    @discardableResult
    public func apply(_ change: AlertChange, at: Double) throws -> Bool {
        switch backend {
        case .sqlite(let pool): return try pool.write { db in try Self.apply(db, change, at: at) }
        case .postgres(let db): return try Self.write(db) { c in try Self.apply(c, change, at: at) }
        }
    }

    /// A one-off message (no condition), queued for the alerter.
    @discardableResult
    public func notice(key: String, text: String, at: Double) throws -> Int64 {
        switch backend {
        case .sqlite(let pool):
            return try pool.write { db in
                try Self.enqueue(db, key: key, kind: .notice, text: text, at: at)
                return db.lastInsertedRowID
            }
        case .postgres(let db):
            return try Self.write(db) { c in try Self.enqueue(c, key: key, kind: .notice, text: text, at: at) }
        }
    }

    /// Reads `source`'s rows after its cursor through `fetch`, applies the
    /// changes `map` makes of them and moves the cursor, in one transaction:
    /// a crash between reading and queuing cannot drop or double an alert.
    /// Returns how many conditions changed.
    func consume<Item>(source: String, fetch: (Database, Int64) throws -> [(id: Int64, row: Item)],
                      fetchPostgres: (PostgresConnection, Int64) throws -> [(id: Int64, row: Item)],
                      at: Double, map: (Item) -> AlertChange?) throws -> Int {
        switch backend {
        case .sqlite(let pool):
            return try pool.write { db in
                let last = try Int64.fetchOne(db, sql: "SELECT last_id FROM alert_cursor WHERE name = ?", arguments: [source]) ?? 0
                let rows = try fetch(db, last)
                guard let newLast = rows.map(\.id).max() else { return 0 }
                var changed = 0
                for r in rows { if let c = map(r.row), try Self.apply(db, c, at: at) { changed += 1 } }
                try db.execute(sql: "INSERT INTO alert_cursor (name, last_id) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id",
                               arguments: [source, newLast])
                return changed
            }
        case .postgres(let db):
            return try Self.write(db) { c in
                let last = try c.rows("SELECT last_id FROM alert_cursor WHERE name = $1", [source]).first?.int64("last_id") ?? 0
                let rows = try fetchPostgres(c, last)
                guard let newLast = rows.map(\.id).max() else { return 0 }
                var changed = 0
                for r in rows { if let change = map(r.row), try Self.apply(c, change, at: at) { changed += 1 } }
                try c.query("INSERT INTO alert_cursor (name, last_id) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id",
                            [source, newLast])
                return changed
            }
        }
    }

    /// Takes the unsent messages that are due, oldest first, and holds them
    /// for `lease` seconds: a second process (`apply --alert` beside a
    /// running `serve`) does not take them too, and if this one dies before
    /// `markSent` they fall due again after the lease (retried, not lost).
    public func claimDue(now: Double, lease: Double, limit: Int = 1000) throws -> [QueuedAlert] {
        switch backend {
        case .sqlite(let pool):
            return try pool.write { db in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM alert_queue WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                                            arguments: [now, limit]).map(Self.queued)
                for r in rows { try db.execute(sql: "UPDATE alert_queue SET next_attempt_at = ? WHERE id = ?", arguments: [now + lease, r.id]) }
                return rows
            }
        case .postgres(let db):
            return try Self.write(db) { c in
                let rows = try c.rows("SELECT * FROM alert_queue WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2",
                                      [now, limit]).map(Self.queued)
                for r in rows { try c.query("UPDATE alert_queue SET next_attempt_at = $1 WHERE id = $2", [now + lease, r.id]) }
                return rows
            }
        }
    }

    /// Every unsent message, due or waiting for a retry.
    public func depth() throws -> Int {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alert_queue WHERE sent_at IS NULL") ?? 0 }
        case .postgres(let db):
            return try db.withConnection { c in
                try c.scalar("SELECT COUNT(*) FROM alert_queue WHERE sent_at IS NULL").flatMap { Int($0) } ?? 0
            }
        }
    }

    /// The earliest retry time among unsent messages.
    public func nextAttempt() throws -> Double? {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in try Double.fetchOne(db, sql: "SELECT MIN(next_attempt_at) FROM alert_queue WHERE sent_at IS NULL") }
        case .postgres(let db):
            return try db.withConnection { c in
                try c.rows("SELECT MIN(next_attempt_at) AS at FROM alert_queue WHERE sent_at IS NULL").first?.double("at")
            }
        }
    }

    public func markSent(ids: [Int64], at: Double) throws {
        switch backend {
        case .sqlite(let pool):
            try pool.write { db in
                for id in ids { try db.execute(sql: "UPDATE alert_queue SET sent_at = ?, last_error = NULL WHERE id = ?", arguments: [at, id]) }
            }
        case .postgres(let db):
            try Self.write(db) { c in
                for id in ids { try c.query("UPDATE alert_queue SET sent_at = $1, last_error = NULL WHERE id = $2", [at, id]) }
            }
        }
    }

    /// One more failed attempt for each message; they wait until `retryAt`.
    public func markFailed(ids: [Int64], error: String, retryAt: Double) throws {
        switch backend {
        case .sqlite(let pool):
            try pool.write { db in
                for id in ids {
                    try db.execute(sql: "UPDATE alert_queue SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                                   arguments: [error, retryAt, id])
                }
            }
        case .postgres(let db):
            try Self.write(db) { c in
                for id in ids {
                    try c.query("UPDATE alert_queue SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
                                [error, retryAt, id])
                }
            }
        }
    }

    public func openConditions() throws -> [OpenCondition] {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT key, summary, opened_at FROM alert_condition WHERE open = 1 ORDER BY opened_at, key").map {
                    OpenCondition(key: $0["key"], summary: $0["summary"], openedAt: $0["opened_at"] ?? 0)
                }
            }
        case .postgres(let db):
            // NULLs first and keys bytewise, as SQLite orders them.
            return try db.withConnection { c in
                try c.rows("SELECT key, summary, opened_at FROM alert_condition WHERE open = 1 ORDER BY opened_at NULLS FIRST, key COLLATE \"C\"").map {
                    OpenCondition(key: $0.string("key") ?? "", summary: $0.string("summary") ?? "", openedAt: $0.double("opened_at") ?? 0)
                }
            }
        }
    }

    /// Every message, sent or not, oldest first (status and tests).
    public func all() throws -> [QueuedAlert] {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert_queue ORDER BY id").map(Self.queued) }
        case .postgres(let db):
            return try db.withConnection { c in try c.rows("SELECT * FROM alert_queue ORDER BY id").map(Self.queued) }
        }
    }

    static func apply(_ db: Database, _ change: AlertChange, at: Double) throws -> Bool {
        switch change {
        case .open(let key, let summary):
            let isOpen = try Bool.fetchOne(db, sql: "SELECT open FROM alert_condition WHERE key = ?", arguments: [key]) ?? false
            guard !isOpen else { return false }
            try db.execute(sql: """
                INSERT INTO alert_condition (key, open, summary, opened_at, changed_at) VALUES (?, 1, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET open = 1, summary = excluded.summary, opened_at = excluded.opened_at, changed_at = excluded.changed_at
                """, arguments: [key, summary, at, at])
            try enqueue(db, key: key, kind: .open, text: summary, at: at)
        case .clear(let key, let summary):
            let isOpen = try Bool.fetchOne(db, sql: "SELECT open FROM alert_condition WHERE key = ?", arguments: [key]) ?? false
            guard isOpen else { return false }
            try db.execute(sql: "UPDATE alert_condition SET open = 0, summary = ?, changed_at = ? WHERE key = ?", arguments: [summary, at, key])
            try enqueue(db, key: key, kind: .clear, text: summary, at: at)
        }
        return true
    }

    static func enqueue(_ db: Database, key: String, kind: AlertKind, text: String, at: Double) throws {
        try db.execute(sql: "INSERT INTO alert_queue (key, kind, text, at, next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [key, kind.rawValue, text, at, at])
    }

    static func queued(_ r: Row) -> QueuedAlert {
        QueuedAlert(id: r["id"], key: r["key"], kind: AlertKind(rawValue: r["kind"]) ?? .notice, text: r["text"], at: r["at"],
                    attempts: r["attempts"], nextAttemptAt: r["next_attempt_at"], lastError: r["last_error"], sentAt: r["sent_at"])
    }
}

extension AlertStore {
    /// Sender events after the cursor (mailbox disabled and re-enabled) as
    /// condition changes: `map` says what each means.
    public func consumeSendingEvents(at: Double, map: (SendingEvent) -> AlertChange?) throws -> Int {
        let kinds = [SendingEventKind.mailboxDisabled, .mailboxEnabled].map(\.rawValue)
        return try consume(source: "sending_event", fetch: { db, last in
            try Row.fetchAll(db, sql: "SELECT * FROM sending_event WHERE id > ? AND kind IN (?, ?) ORDER BY id",
                             arguments: [last, kinds[0], kinds[1]]).map { r in (id: r["id"] as Int64, row: SQLiteSendingStore.event(r)) }
        }, fetchPostgres: { c, last in
            try c.rows("SELECT * FROM sending_event WHERE id > $1 AND kind IN ($2, $3) ORDER BY id", [last, kinds[0], kinds[1]])
                .map { r in (id: r.int64("id") ?? 0, row: Self.event(r)) }
        }, at: at, map: map)
    }
}
