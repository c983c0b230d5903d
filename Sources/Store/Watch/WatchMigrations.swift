import GRDB

/// The watchers' own tables (`serve`'s DNS check; probes and blocklists may
/// add theirs here, `watch.N-…`).
public enum WatchMigrations: StoreMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        // The last DNS verdict per domain: `send` without `serve` trusts it
        // while fresh, and an alert needs two failing rounds in a row.
        migrator.registerMigration("watch.1-dns-verdicts") { db in
            try db.execute(sql: """
                CREATE TABLE watch_dns_verdict (
                    domain TEXT PRIMARY KEY,
                    status TEXT NOT NULL,          -- ok | differs | could-not-check
                    summary TEXT NOT NULL,         -- the differing records, named
                    preflight TEXT NOT NULL,       -- pass | fail | unknown (never judged)
                    reason TEXT,                   -- why it fails the preflight
                    failures INTEGER NOT NULL,     -- rounds in a row with differences
                    checked_at REAL NOT NULL,      -- the last check that asked (whatever it got)
                    known_at REAL                  -- the last check that got every answer it needed
                ) WITHOUT ROWID;
                """)
        }
    }
}
