import Foundation
import GRDB

/// The SQLite state file (`.reconcile/state.sqlite` by default) in WAL mode.
///
/// Each concern registers its own migrations (`StoreMigrations`); they run in
/// the order of `StateStore.migrationSets`, so a new concern adds one entry
/// there and never edits another concern's tables.
public struct StateStore: Sendable {
    public let pool: DatabasePool
    public let path: String

    /// Opens (creating directories and the file if needed) and migrates.
    /// The file holds every recipient's address and CSV columns: it is
    /// created 0600 in 0700 directories before SQLite opens it (SQLite gives
    /// `-wal` and `-shm` the main file's mode), and an existing file that
    /// others can read gets a warning through `warn`.
    public init(path: String, warn: (String) -> Void = PrivateFiles.printWarning) throws {
        try PrivateFiles.prepare(path, warn: warn)
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let migrator = StateStore.migrator
            if FileManager.default.fileExists(atPath: path) {
                // Checked read-only first: opening the pool already writes (WAL setup).
                var probe = Configuration()
                probe.readonly = true
                try DatabaseQueue(path: path, configuration: probe).read { db in
                    try StateStore.refuseNewerSchema(db, migrator: migrator, path: path)
                }
            }
            self.pool = try DatabasePool(path: path, configuration: config)
            self.path = path
            try migrator.migrate(pool)
        } catch let e as DatabaseError {
            throw StateFileError(path: path, databaseError: e)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for set in StateStore.migrationSets { set.register(in: &migrator) }
        return migrator
    }

    /// A file migrated by a newer `reconcile` has tables this one does not
    /// know: refused rather than written half-understood.
    static func refuseNewerSchema(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        guard try db.tableExists("grdb_migrations") else { return }
        let known = Set(migrator.migrations)
        let unknown = try migrator.appliedIdentifiers(db).subtracting(known)
        if !unknown.isEmpty { throw StateFileError.newerSchema(path: path, migrations: unknown.sorted()) }
    }

    /// Every concern's migrations, in order. Identifiers are prefixed by concern.
    static var migrationSets: [any StoreMigrations.Type] {
        [SendingMigrations.self, ReconcileMigrations.self, ReplyMigrations.self, AlertMigrations.self,
         WatchMigrations.self]
    }
}

/// A concern's schema: registers migrations named `<concern>.<n>-<what>`.
public protocol StoreMigrations {
    static func register(in migrator: inout DatabaseMigrator)
}
