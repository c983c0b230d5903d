import Foundation

/// Which senders on other hosts are alive, as PostgreSQL sees it: each
/// sender holds a session advisory lock named after its identity for as long
/// as it runs, on a connection of its own. The server drops the lock the
/// moment that session ends — process killed, host gone — so a starting
/// sender can recover a dead one's `attempting` rows as `unknown` across
/// hosts, where a pid means nothing (issue #15).
final class SenderLiveness: @unchecked Sendable {
    static let space: Int32 = 0x726c   // "rl"
    private let lock = NSLock()
    private var connection: PostgresConnection?

    /// Takes the lock, or checks that the session holding it is still there
    /// and takes it again on a new one if not (a dropped connection lost it).
    func hold(_ sender: SenderIdentity, on db: PostgresDatabase) throws {
        lock.lock(); defer { lock.unlock() }
        if let held = connection {
            if (try? held.scalar("SELECT 1")) == "1" { return }
            connection = nil
        }
        let c = try db.dedicatedConnection()
        // Never waits: the identity is unique (pid, host, random token), so a
        // holder can only be this sender's own dropped session the server has
        // not noticed yet. It still shows this sender alive; the next pass retries.
        guard try c.scalar("SELECT pg_try_advisory_lock($1::int, hashtext($2))", [Self.space, sender.text]) == "t" else { return }
        connection = c
    }

    /// The backend holding the lock (tests end it to simulate a dropped connection).
    var backendPID: Int32? {
        lock.lock(); defer { lock.unlock() }
        return connection?.backendPID
    }

    /// Whether some session holds `sender`'s lock (tried and released at once if free).
    static func isAlive(_ sender: String, _ c: PostgresConnection) throws -> Bool {
        guard try c.scalar("SELECT pg_try_advisory_lock($1::int, hashtext($2))", [space, sender]) == "t" else { return true }
        try c.query("SELECT pg_advisory_unlock($1::int, hashtext($2))", [space, sender])
        return false
    }
}

extension PostgresSendingStore {
    /// Idempotent: called again (each maintenance pass), it re-takes a lock a
    /// dropped connection lost, so other hosts go on seeing this sender alive.
    public func announce(_ sender: SenderIdentity) throws {
        try liveness.hold(sender, on: db)
    }

    /// The server process of the liveness connection, if announced.
    public var livenessBackendPID: Int32? { liveness.backendPID }

    /// `abandoned`, and for a sender of another host (which `abandoned`
    /// cannot judge) whether its liveness lock is gone.
    func isGone(_ sender: String?, abandoned: (String?) -> Bool, _ c: PostgresConnection) throws -> Bool {
        if abandoned(sender) { return true }
        guard let sender, let id = SenderIdentity(text: sender), id.host != ProcessInfo.processInfo.hostName else { return false }
        return try !SenderLiveness.isAlive(sender, c)
    }
}
