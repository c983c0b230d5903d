import Foundation
import GRDB

/// The SQLite state file (`.reconcile/state.sqlite` by default) in WAL mode.
///
/// Each concern registers its own migrations (`StoreMigrations`); they run in
/// the order of `StateStore.migrationSets`, so a new concern adds one entry
/// there and never edits another concern's tables.
public struct StateStore: Sendable {
    /// The database behind the state. Each concern's store switches on it
    /// (the SQLite and PostgreSQL statements of one operation side by side),
    /// except the sender's, which has a type per backend.
    public enum Backend: Sendable {
        case sqlite(DatabasePool)
        case postgres(PostgresDatabase)
    }

    public let backend: Backend
    /// The file path, or the PostgreSQL URL without secrets: for messages.
    public let path: String
    public var location: StateLocation {
        switch backend {
        case .sqlite: return .file(path)
        case .postgres(let db): return .postgres(db.url)
        }
    }

    /// The SQLite pool, for SQLite-only code (`SQLiteSendingStore`, tests
    /// of the file); reaching it with a PostgreSQL state is a programming error.
    public var pool: DatabasePool {
        guard case .sqlite(let pool) = backend else {
            preconditionFailure("a SQLite-only code path was reached with the PostgreSQL state \(path)")
        }
        return pool
    }

    /// Opens (and migrates) the state at `location`.
    public init(location: StateLocation, warn: (String) -> Void = PrivateFiles.printWarning) throws {
        switch location {
        case .file(let path): try self.init(path: path, warn: warn)
        case .postgres(let url): try self.init(postgres: url)
        }
    }

    /// Connects to the database and brings its schema up to date.
    public init(postgres url: PostgresURL, maxConnections: Int = 4) throws {
        let db = try PostgresDatabase(url: url, maxConnections: maxConnections)
        try PostgresMigrator(migrations: StateStore.postgresMigrations).migrate(db)
        self.backend = .postgres(db)
        self.path = url.redacted
    }

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
            // Readers mostly scan: a plan reads every cached observation once,
            // and each reader connection kept up to 2 MB of pages it would not
            // read again (3.5 MiB of a 600-domain warm plan's peak RSS). The
            // file's pages stay in the OS page cache either way.
            if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -256") }
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
            let pool = try DatabasePool(path: path, configuration: config)
            self.backend = .sqlite(pool)
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

    /// The same schema on PostgreSQL, same identifiers, plus what only a
    /// shared state needs (the rate ledger).
    static var postgresMigrations: [PostgresMigration] {
        let sets: [any PostgresStoreMigrations.Type] = [SendingMigrations.self, ReconcileMigrations.self, ReplyMigrations.self,
                                                        AlertMigrations.self, WatchMigrations.self, SharedMigrations.self]
        return sets.flatMap { $0.postgresMigrations }
    }
}

/// A concern's schema: registers migrations named `<concern>.<n>-<what>`.
public protocol StoreMigrations {
    static func register(in migrator: inout DatabaseMigrator)
}
