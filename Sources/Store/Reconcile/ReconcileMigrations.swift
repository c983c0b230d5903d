import GRDB

/// The reconciler's tables: observation cache, record ownership, apply
/// journal and the apply lock. Identifiers are prefixed `reconcile.`.
public enum ReconcileMigrations: StoreMigrations {
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reconcile.1-observation") { db in
            try db.create(table: "reconcile_observation") { t in
                t.column("address", .text).primaryKey()
                t.column("domain", .text).notNull().indexed()
                t.column("kind", .text).notNull()
                t.column("state", .blob).notNull()
                t.column("hash", .text).notNull()
                t.column("observed_at", .double).notNull()
            }
        }
        migrator.registerMigration("reconcile.2-ownership") { db in
            try db.create(table: "reconcile_ownership") { t in
                t.column("domain", .text).notNull()
                t.column("record", .text).notNull()
                t.column("since", .double).notNull()
                t.primaryKey(["domain", "record"])
            }
        }
        migrator.registerMigration("reconcile.3-journal") { db in
            try db.create(table: "reconcile_run") { t in
                t.column("run_id", .text).primaryKey()
                t.column("plan_digest", .text).notNull()
                t.column("holder", .text).notNull()
                t.column("started_at", .double).notNull()
                t.column("finished_at", .double)
                t.column("status", .text)
            }
            try db.create(table: "reconcile_journal") { t in
                t.column("seq", .integer).primaryKey(autoincrement: true)
                t.column("run_id", .text).notNull().references("reconcile_run", onDelete: .cascade)
                t.column("plan_digest", .text).notNull()
                t.column("action_id", .text).notNull()
                t.column("action", .blob).notNull()
                t.column("state", .text).notNull()
                t.column("outputs", .blob)
                t.column("detail", .text)
                t.column("started_at", .double).notNull()
                t.column("finished_at", .double)
                t.uniqueKey(["run_id", "action_id"])
            }
            try db.create(index: "reconcile_journal_by_plan", on: "reconcile_journal",
                          columns: ["plan_digest", "action_id"])
            try db.create(index: "reconcile_journal_by_state", on: "reconcile_journal", columns: ["state"])
        }
        migrator.registerMigration("reconcile.4-lock") { db in
            try db.create(table: "reconcile_lock") { t in
                t.column("name", .text).primaryKey()
                t.column("token", .text).notNull()
                t.column("holder", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("host", .text).notNull()
                t.column("acquired_at", .double).notNull()
            }
        }
    }
}
