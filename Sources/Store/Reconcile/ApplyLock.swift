import Dispatch
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Who holds (or wants) the apply lock.
public struct LockOwner: Sendable, Hashable {
    public var holder: String
    public var pid: Int32
    public var host: String

    public init(holder: String, pid: Int32, host: String) {
        self.holder = holder
        self.pid = pid
        self.host = host
    }

    /// This process on this host.
    public static func current(holder: String) -> LockOwner {
        LockOwner(holder: holder, pid: getpid(), host: ProcessInfo.processInfo.hostName)
    }
}

/// The lock row as stored.
public struct LockRecord: Sendable, Hashable, CustomStringConvertible {
    public var token: String
    public var owner: LockOwner
    public var acquiredAt: Date

    public var description: String {
        "\(owner.holder) (pid \(owner.pid) on \(owner.host), since \(acquiredAt.formatted(.iso8601)))"
    }
}

/// Proof of holding the lock; releasing needs it, so a holder whose stale
/// lock was taken over cannot release the new holder's lock.
public struct LockHandle: Sendable, Hashable {
    public var name: String
    public var token: String
    /// On PostgreSQL, the connection whose session holds the advisory lock:
    /// shared by the handle's copies, closed by `release` (or when the last
    /// copy is gone), and by the server when the process dies.
    let session: AdvisoryLockSession?

    init(name: String, token: String, session: AdvisoryLockSession? = nil) {
        self.name = name
        self.token = token
        self.session = session
    }

    public static func == (a: LockHandle, b: LockHandle) -> Bool { a.name == b.name && a.token == b.token }
    public func hash(into h: inout Hasher) { h.combine(name); h.combine(token) }
}

public enum LockError: Error, Sendable, Equatable, CustomStringConvertible {
    case held(by: LockRecord, waited: TimeInterval)

    public var description: String {
        switch self {
        case let .held(record, waited):
            "another apply holds the lock: \(record); waited \(Int(waited)) s (raise --lock-timeout to wait longer)"
        }
    }
}

/// One apply at a time, across processes and hosts sharing the state.
///
/// SQLite: a row in `reconcile_lock`. It is stale — and is taken over — when
/// its process is dead on this host, or when it is older than `staleAfter`
/// (a holder on another host whose process we cannot check).
///
/// PostgreSQL: a session advisory lock on a connection the handle keeps
/// open, so the server frees it the moment the holder's process dies (even
/// SIGKILL); the row only names the holder for "locked by", and a row left
/// by a dead holder is overwritten. `staleAfter` plays no part there.
public struct ApplyLock: Sendable {
    let backend: StateStore.Backend
    public let name: String
    public let staleAfter: TimeInterval
    let isAlive: @Sendable (Int32) -> Bool

    public init(_ store: StateStore, name: String = "apply", staleAfter: TimeInterval = 6 * 3600,
                isAlive: @escaping @Sendable (Int32) -> Bool = ApplyLock.processIsAlive) {
        self.backend = store.backend
        self.name = name
        self.staleAfter = staleAfter
        self.isAlive = isAlive
    }

    /// `kill(pid, 0)` succeeds, or fails only for lack of permission.
    public static func processIsAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    public enum Attempt: Sendable, Equatable {
        case acquired(LockHandle, tookOverStale: LockRecord?)
        case held(LockRecord)
    }

    /// One attempt, atomic across processes (an IMMEDIATE transaction; on
    /// PostgreSQL `pg_try_advisory_lock`).
    public func tryAcquire(_ owner: LockOwner, now: Date = Date()) throws -> Attempt {
        guard case .sqlite(let pool) = backend else { return try postgresTryAcquire(owner, now: now) }
        return try pool.writeWithoutTransaction { db in
            var result: Attempt!
            try db.inTransaction(.immediate) {
                let existing = try Row.fetchOne(db, sql: "SELECT * FROM reconcile_lock WHERE name = ?", arguments: [name])
                    .map(Self.record(_:))
                if let existing, !isStale(existing, now: now, localHost: owner.host) {
                    result = .held(existing)
                    return .rollback
                }
                let token = UUID().uuidString
                try db.execute(sql: """
                    INSERT OR REPLACE INTO reconcile_lock (name, token, holder, pid, host, acquired_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [name, token, owner.holder, Int(owner.pid), owner.host, now.timeIntervalSince1970])
                result = .acquired(LockHandle(name: name, token: token), tookOverStale: existing)
                return .commit
            }
            return result
        }
    }

    /// Tries until acquired or `timeout` has passed (`--lock-timeout`; 0 tries once).
    public func acquire(_ owner: LockOwner, timeout: TimeInterval, pollInterval: TimeInterval = 0.25) async throws -> LockHandle {
        let start = Date()
        while true {
            switch try await attempt(owner) {
            case .acquired(let handle, _): return handle
            case .held(let record):
                let waited = Date().timeIntervalSince(start)
                if waited >= timeout { throw LockError.held(by: record, waited: waited) }
                try await Task.sleep(nanoseconds: UInt64(min(pollInterval, timeout - waited) * 1e9))
            }
        }
    }

    /// `tryAcquire`; on PostgreSQL off Swift's cooperative threads (it connects).
    private func attempt(_ owner: LockOwner) async throws -> Attempt {
        guard case .postgres = backend else { return try tryAcquire(owner) }
        let lock = self
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try lock.tryAcquire(owner) }) }
        }
    }

    /// Renews the lock's time during a long apply so it is not seen as stale.
    public func refresh(_ handle: LockHandle, now: Date = Date()) throws {
        switch backend {
        case .sqlite(let pool):
            try pool.write { db in
                try db.execute(sql: "UPDATE reconcile_lock SET acquired_at = ? WHERE name = ? AND token = ?",
                               arguments: [now.timeIntervalSince1970, handle.name, handle.token])
            }
        case .postgres(let db):
            _ = try db.withConnection { c in
                try c.query("UPDATE reconcile_lock SET acquired_at = $1 WHERE name = $2 AND token = $3",
                            [now.timeIntervalSince1970, handle.name, handle.token])
            }
        }
    }

    /// Releases the lock if this handle still holds it; returns whether it did.
    @discardableResult
    public func release(_ handle: LockHandle) throws -> Bool {
        guard case .sqlite(let pool) = backend else { return try postgresRelease(handle) }
        return try pool.write { db in
            try db.execute(sql: "DELETE FROM reconcile_lock WHERE name = ? AND token = ?",
                           arguments: [handle.name, handle.token])
            return db.changesCount > 0
        }
    }

    /// Who holds the lock now; nil when nobody does.
    public func current() throws -> LockRecord? {
        guard case .sqlite(let pool) = backend else { return try postgresCurrent() }
        return try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM reconcile_lock WHERE name = ?", arguments: [name]).map(Self.record(_:))
        }
    }

    func isStale(_ record: LockRecord, now: Date, localHost: String) -> Bool {
        if record.owner.host == localHost && !isAlive(record.owner.pid) { return true }
        return now.timeIntervalSince(record.acquiredAt) > staleAfter
    }

    static func record(_ row: Row) -> LockRecord {
        LockRecord(token: row["token"],
                   owner: LockOwner(holder: row["holder"], pid: Int32(row["pid"] as Int), host: row["host"]),
                   acquiredAt: Date(timeIntervalSince1970: row["acquired_at"]))
    }
}
