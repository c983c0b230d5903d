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

/// One apply at a time, across processes and hosts sharing the state file.
///
/// A lock is stale — and is taken over — when its process is dead on this
/// host, or when it is older than `staleAfter` (a holder on another host
/// whose process we cannot check).
public struct ApplyLock: Sendable {
    let pool: DatabasePool
    public let name: String
    public let staleAfter: TimeInterval
    let isAlive: @Sendable (Int32) -> Bool

    public init(_ store: StateStore, name: String = "apply", staleAfter: TimeInterval = 6 * 3600,
                isAlive: @escaping @Sendable (Int32) -> Bool = ApplyLock.processIsAlive) {
        self.pool = store.pool
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

    /// One attempt, atomic across processes (an IMMEDIATE transaction).
    public func tryAcquire(_ owner: LockOwner, now: Date = Date()) throws -> Attempt {
        try pool.writeWithoutTransaction { db in
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
            switch try tryAcquire(owner) {
            case .acquired(let handle, _): return handle
            case .held(let record):
                let waited = Date().timeIntervalSince(start)
                if waited >= timeout { throw LockError.held(by: record, waited: waited) }
                try await Task.sleep(nanoseconds: UInt64(min(pollInterval, timeout - waited) * 1e9))
            }
        }
    }

    /// Renews the lock's time during a long apply so it is not seen as stale.
    public func refresh(_ handle: LockHandle, now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE reconcile_lock SET acquired_at = ? WHERE name = ? AND token = ?",
                           arguments: [now.timeIntervalSince1970, handle.name, handle.token])
        }
    }

    /// Releases the lock if this handle still holds it; returns whether it did.
    @discardableResult
    public func release(_ handle: LockHandle) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM reconcile_lock WHERE name = ? AND token = ?",
                           arguments: [handle.name, handle.token])
            return db.changesCount > 0
        }
    }

    public func current() throws -> LockRecord? {
        try pool.read { db in
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
