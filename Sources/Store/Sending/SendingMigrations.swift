import GRDB

/// The sender's tables. Times are Unix seconds (REAL) so limiter arithmetic
/// needs no date parsing; addresses are stored lowercased.
public enum SendingMigrations: StoreMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("sending.1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE sending_campaign (
                    id TEXT PRIMARY KEY,
                    group_name TEXT NOT NULL,
                    definition TEXT NOT NULL,          -- JSON of the campaign (steps, window, stop conditions)
                    step_delays TEXT NOT NULL,         -- JSON [seconds] before step i (index 0 unused)
                    stop_on_reply INTEGER NOT NULL,
                    stop_on_bounce INTEGER NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE sending_enrollment (
                    campaign_id TEXT NOT NULL REFERENCES sending_campaign(id),
                    email TEXT NOT NULL,
                    time_zone TEXT,
                    variables TEXT NOT NULL,           -- JSON object of template variables
                    sticky_mailbox TEXT,               -- the mailbox that sent step 0
                    stopped_reason TEXT,
                    enrolled_at REAL NOT NULL,
                    PRIMARY KEY (campaign_id, email)
                );
                CREATE TABLE sending_message (
                    row_id INTEGER PRIMARY KEY AUTOINCREMENT,
                    campaign_id TEXT NOT NULL,
                    email TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    group_name TEXT NOT NULL,
                    time_zone TEXT,
                    state TEXT NOT NULL,               -- planned reserved attempting accepted rejected deferred unknown stopped
                    not_before REAL NOT NULL,
                    mailbox TEXT,
                    message_id TEXT UNIQUE,            -- assigned once, kept for every retry
                    attempts INTEGER NOT NULL DEFAULT 0,
                    attempt_at REAL,
                    settled_at REAL,
                    reply_code INTEGER,
                    reply_text TEXT,
                    phase TEXT,
                    UNIQUE (campaign_id, email, step),
                    FOREIGN KEY (campaign_id, email) REFERENCES sending_enrollment(campaign_id, email)
                );
                CREATE INDEX sending_message_pending ON sending_message(state, not_before);
                CREATE INDEX sending_message_email ON sending_message(email);

                -- The send log and the limiter state in one: a row per admitted send,
                -- never deleted or refunded (sending.md §5.3 rule 5).
                CREATE TABLE sending_reservation (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_row INTEGER NOT NULL REFERENCES sending_message(row_id),
                    mailbox TEXT NOT NULL,
                    group_name TEXT NOT NULL,
                    at REAL NOT NULL,
                    mailbox_next_at REAL NOT NULL,
                    group_next_at REAL NOT NULL
                );
                CREATE INDEX sending_reservation_mailbox ON sending_reservation(mailbox, at);
                CREATE INDEX sending_reservation_group ON sending_reservation(group_name, at);

                CREATE TABLE sending_suppression (
                    email TEXT PRIMARY KEY,
                    reason TEXT NOT NULL,
                    source TEXT,
                    at REAL NOT NULL
                );
                CREATE TABLE sending_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    kind TEXT NOT NULL,
                    email TEXT,
                    mailbox TEXT,
                    message_id TEXT,
                    detail TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX sending_event_mailbox ON sending_event(mailbox, at);
                CREATE TABLE sending_mailbox_health (
                    address TEXT PRIMARY KEY,
                    enabled INTEGER NOT NULL,
                    reason TEXT,
                    changed_at REAL NOT NULL,
                    warmup_shift_days INTEGER NOT NULL DEFAULT 0,
                    held_stage INTEGER,
                    held_since REAL
                );
                """)
        }
        // Feedback from the providers (issue #11): every webhook event by its id,
        // joined to the outbox where it names one of our messages, and the
        // signature tokens already accepted, kept past the freshness window.
        migrator.registerMigration("sending.2-feedback") { db in
            try db.execute(sql: """
                CREATE TABLE sending_feedback (
                    event_id TEXT PRIMARY KEY,
                    event TEXT NOT NULL,
                    effect TEXT NOT NULL,
                    email TEXT,
                    message_id TEXT,
                    message_row INTEGER,               -- NULL: a message we do not know
                    campaign_id TEXT,
                    mailbox TEXT,
                    domain TEXT NOT NULL,
                    at REAL NOT NULL,
                    received_at REAL NOT NULL,
                    detail TEXT NOT NULL DEFAULT ''
                );
                CREATE INDEX sending_feedback_message ON sending_feedback(message_row, event);
                CREATE INDEX sending_feedback_campaign ON sending_feedback(campaign_id, event);
                CREATE TABLE sending_webhook_token (
                    token TEXT PRIMARY KEY,
                    expires_at REAL NOT NULL
                );
                CREATE INDEX sending_webhook_token_expiry ON sending_webhook_token(expires_at);
                """)
        }
        // A reservation whose attempt hit a configuration fault: still
        // consumed against the limits, but no send in the mailbox's health.
        migrator.registerMigration("sending.3-config-faults") { db in
            try db.execute(sql: "ALTER TABLE sending_reservation ADD COLUMN config_fault TEXT")
        }
        // `reserve` reads the latest next-at of a mailbox and of a group inside
        // its IMMEDIATE transaction on every send: indexed, not a scan of the log.
        migrator.registerMigration("sending.4-limits") { db in
            try db.execute(sql: """
                CREATE INDEX sending_reservation_mailbox_next ON sending_reservation(mailbox, mailbox_next_at);
                CREATE INDEX sending_reservation_group_next ON sending_reservation(group_name, group_next_at);
                -- Who reserved the message (`SenderIdentity`): recovery at start only
                -- touches the rows of senders that are gone.
                ALTER TABLE sending_message ADD COLUMN sender TEXT;
                """)
        }
        // Domains whose mailboxes may not send for now, one row per watcher
        // that holds them (DomainHold); read inside every reservation.
        migrator.registerMigration("sending.5-domain-holds") { db in
            try db.execute(sql: """
                CREATE TABLE sending_domain_hold (
                    domain TEXT NOT NULL, source TEXT NOT NULL, reason TEXT NOT NULL, since REAL NOT NULL,
                    PRIMARY KEY (domain, source)) WITHOUT ROWID;
                """)
        }
    }
}
