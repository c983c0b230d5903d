import GRDB

/// The alerter's tables: which conditions are open, the queue of messages
/// still to deliver, and how far the sender's events have been read. A
/// restart resumes from them, so it neither loses nor repeats an alert.
public enum AlertMigrations: StoreMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("alerts.1-queue") { db in
            try db.execute(sql: """
                CREATE TABLE alert_condition (
                    key TEXT PRIMARY KEY,              -- mailbox-disabled:ADDRESS, apply-failed, drift-found…
                    open INTEGER NOT NULL,
                    summary TEXT NOT NULL,
                    opened_at REAL,
                    changed_at REAL NOT NULL
                );
                CREATE TABLE alert_queue (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    key TEXT NOT NULL,
                    kind TEXT NOT NULL,                -- open | clear | notice
                    text TEXT NOT NULL,
                    at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    sent_at REAL
                );
                CREATE INDEX alert_queue_unsent ON alert_queue(sent_at, next_attempt_at);
                CREATE TABLE alert_cursor (
                    name TEXT PRIMARY KEY,             -- a source of conditions, e.g. sending_event
                    last_id INTEGER NOT NULL
                );
                """)
        }
    }
}
