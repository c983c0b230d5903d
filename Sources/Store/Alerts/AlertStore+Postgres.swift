import Foundation

/// The PostgreSQL side of `AlertStore`: the same statements as the SQLite
/// ones beside them in `AlertStore`, run in transactions that take one
/// advisory lock first. SQLite has one writer at a time; without the lock
/// two processes opening the same condition at once would both queue it.
extension AlertStore {
    /// `pg_advisory_xact_lock` key of alert changes ("rcal").
    static let postgresLockKey: Int64 = 0x7263_616c

    static func write<T>(_ db: PostgresDatabase, _ body: (PostgresConnection) throws -> T) throws -> T {
        try db.transaction { c in
            try c.query("SELECT pg_advisory_xact_lock($1)", [postgresLockKey])
            return try body(c)
        }
    }

    static func apply(_ c: PostgresConnection, _ change: AlertChange, at: Double) throws -> Bool {
        func isOpen(_ key: String) throws -> Bool {
            try c.rows("SELECT open FROM alert_condition WHERE key = $1", [key]).first?.bool("open") ?? false
        }
        switch change {
        case .open(let key, let summary):
            guard try !isOpen(key) else { return false }
            try c.query("""
                INSERT INTO alert_condition (key, open, summary, opened_at, changed_at) VALUES ($1, 1, $2, $3, $4)
                ON CONFLICT (key) DO UPDATE SET open = 1, summary = excluded.summary, opened_at = excluded.opened_at, changed_at = excluded.changed_at
                """, [key, summary, at, at])
            try enqueue(c, key: key, kind: .open, text: summary, at: at)
        case .clear(let key, let summary):
            guard try isOpen(key) else { return false }
            try c.query("UPDATE alert_condition SET open = 0, summary = $1, changed_at = $2 WHERE key = $3", [summary, at, key])
            try enqueue(c, key: key, kind: .clear, text: summary, at: at)
        }
        return true
    }

    /// Queues a message; returns its id.
    @discardableResult
    static func enqueue(_ c: PostgresConnection, key: String, kind: AlertKind, text: String, at: Double) throws -> Int64 {
        try c.rows("INSERT INTO alert_queue (key, kind, text, at, next_attempt_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                   [key, kind.rawValue, text, at, at]).first?.int64("id") ?? 0
    }

    static func queued(_ r: PostgresRow) -> QueuedAlert {
        QueuedAlert(id: r.int64("id") ?? 0, key: r.string("key") ?? "", kind: r.string("kind").flatMap(AlertKind.init(rawValue:)) ?? .notice,
                    text: r.string("text") ?? "", at: r.double("at") ?? 0, attempts: r.int("attempts") ?? 0,
                    nextAttemptAt: r.double("next_attempt_at") ?? 0, lastError: r.string("last_error"), sentAt: r.double("sent_at"))
    }

    /// A `sending_event` row, as `SQLiteSendingStore.event` reads it.
    static func event(_ r: PostgresRow) -> SendingEvent {
        SendingEvent(id: r.int64("id"), at: r.double("at") ?? 0, kind: r.string("kind").flatMap(SendingEventKind.init(rawValue:)) ?? .delivered,
                     email: r.string("email"), mailbox: r.string("mailbox"), messageID: r.string("message_id"), detail: r.string("detail") ?? "")
    }
}
