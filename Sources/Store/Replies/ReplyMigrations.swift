import GRDB

/// Where the reply poller got to in each mailbox's INBOX, and the replies
/// Mailgun's Routes forwarded.
public enum ReplyMigrations: StoreMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("replies.1-cursor") { db in
            try db.execute(sql: """
                CREATE TABLE reply_cursor (
                    mailbox TEXT PRIMARY KEY,
                    uid_validity INTEGER NOT NULL,     -- the INBOX's UIDVALIDITY when last_uid was read
                    last_uid INTEGER NOT NULL,         -- highest UID looked at
                    polled_at REAL NOT NULL
                );
                """)
        }
        // Replies Mailgun's Routes forwarded to `serve`, by their own
        // Message-ID: a retried or re-signed forward records nothing twice.
        migrator.registerMigration("replies.2-routed") { db in
            try db.execute(sql: """
                CREATE TABLE reply_routed (
                    message_id TEXT PRIMARY KEY,       -- the reply's own Message-ID, bare
                    mailbox TEXT NOT NULL,
                    received_at REAL NOT NULL
                );
                """)
        }
    }
}
