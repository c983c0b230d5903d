import Foundation
import GRDB

/// Why a state file cannot be used, in words that name the file and what to
/// do: never `SQLite error 14` or a GRDB table name.
public enum StateFileError: Error, CustomStringConvertible, Equatable {
    /// Commands that only read (`status`, `capacity`) never create a state.
    case missing(path: String)
    case cannotOpen(path: String, reason: String)
    case newerSchema(path: String, migrations: [String])
    case olderSchema(path: String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no state at \(path) (run enqueue first, or pass --state)"
        case .cannotOpen(let path, let reason):
            return "cannot open the state file \(path): \(reason)"
        case .newerSchema(let path, let migrations):
            return "the state file \(path) was written by a newer reconcile (schema \(migrations.joined(separator: ", "))); "
                + "upgrade reconcile to use it"
        case .olderSchema(let path):
            return "the state file \(path) has an older schema and cannot be upgraded read-only; "
                + "run a command that writes (enqueue or send) with write access first"
        }
    }

    /// SQLite's result codes, told apart by what the operator can change.
    init(path: String, databaseError e: DatabaseError) {
        let dir = (path as NSString).deletingLastPathComponent
        switch e.resultCode {
        case .SQLITE_CANTOPEN:
            let dirWritable = FileManager.default.isWritableFile(atPath: dir.isEmpty ? "." : dir)
            self = .cannotOpen(path: path, reason: dirWritable
                ? "the file cannot be opened (missing, a directory, or not readable)"
                : "its directory \(dir.isEmpty ? "." : dir) is not writable (SQLite needs it for the write-ahead log)")
        case .SQLITE_READONLY:
            self = .cannotOpen(path: path, reason: "the file or its directory is read-only")
        case .SQLITE_NOTADB:
            self = .cannotOpen(path: path, reason: "it is not a state file (not an SQLite database)")
        case .SQLITE_CORRUPT:
            self = .cannotOpen(path: path, reason: "the file is damaged (SQLite reports corruption)")
        case .SQLITE_PERM, .SQLITE_AUTH:
            self = .cannotOpen(path: path, reason: "permission denied")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .cannotOpen(path: path, reason: "another process holds it locked")
        case .SQLITE_FULL:
            self = .cannotOpen(path: path, reason: "the disk is full")
        default:
            let what = e.message.map { ": \($0)" } ?? ""
            self = .cannotOpen(path: path, reason: "SQLite refused it (code \(e.resultCode.rawValue)\(what))")
        }
    }
}

/// How the sending commands open the state file.
public enum StateFile {
    public enum Access: Sendable { case create, existing, readOnly }

    /// `create` (enqueue, send, forget) creates a missing file; `existing`
    /// refuses a missing one; `readOnly` (status, capacity) also refuses a
    /// missing one and opens without writing, so a state in a read-only
    /// directory can still be reported on.
    public static func openSending(path: String, access: Access) throws -> SQLiteSendingStore {
        if access != .create {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw StateFileError.missing(path: path) }
            if isDir.boolValue { throw StateFileError.cannotOpen(path: path, reason: "it is a directory, not a state file") }
        }
        guard access == .readOnly else { return SQLiteSendingStore(try StateStore(path: path)) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        func open(_ name: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: name, configuration: config)
            let migrator = StateStore.migrator
            try queue.read { db in
                try StateStore.refuseNewerSchema(db, migrator: migrator, path: path)
                guard try migrator.hasCompletedMigrations(db) else { throw StateFileError.olderSchema(path: path) }
            }
            return queue
        }
        do {
            return SQLiteSendingStore(database: try open(path))
        } catch let e as DatabaseError {
            // A WAL state with no -wal/-shm in a directory this user cannot
            // write: SQLite cannot create the shared-memory index, so it reads
            // the file as immutable. No writer is active then (a writer's
            // connection keeps a -wal file), and this one never writes.
            if [.SQLITE_READONLY, .SQLITE_CANTOPEN].contains(e.resultCode.primaryResultCode),
               !FileManager.default.fileExists(atPath: path + "-wal"),
               let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed),
               let queue = try? open("file:\(escaped)?immutable=1") {
                return SQLiteSendingStore(database: queue)
            }
            throw StateFileError(path: path, databaseError: e)
        }
    }
}

extension StateFile {
    /// `openSending(path:access:)` for either backend. On PostgreSQL,
    /// `existing` and `readOnly` refuse a database that holds no reconcile
    /// state yet (naming it by its redacted URL) instead of creating the
    /// schema; `readOnly` also leaves an older schema as it is and refuses it.
    public static func openSending(location: StateLocation, access: Access) throws -> any SendingStore {
        switch location {
        case .file(let path):
            return try openSending(path: path, access: access)
        case .postgres(let url):
            guard access != .create else { return PostgresSendingStore(try StateStore(postgres: url)) }
            let db = try PostgresDatabase(url: url)
            let applied: [String]? = try db.transaction { c in
                guard try c.scalar("SELECT to_regclass($1) IS NOT NULL", [PostgresMigrator.table]) == "t" else { return nil }
                return try PostgresMigrator.applied(c)
            }
            let known = StateStore.postgresMigrations.map(\.identifier)
            guard let applied, applied.contains(where: { $0.hasPrefix("sending.") }) else {
                throw StateFileError.missing(path: url.redacted)
            }
            let unknown = Set(applied).subtracting(known)
            if !unknown.isEmpty { throw StateFileError.newerSchema(path: url.redacted, migrations: unknown.sorted()) }
            guard access == .readOnly else { return PostgresSendingStore(try StateStore(postgres: url)) }
            if !Set(known).isSubset(of: Set(applied)) { throw StateFileError.olderSchema(path: url.redacted) }
            return PostgresSendingStore(database: db)
        }
    }
}
