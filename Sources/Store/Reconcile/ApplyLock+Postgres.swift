import Foundation

/// The connection that holds a session advisory lock. PostgreSQL frees the
/// lock when the session ends: on `close`, when the last handle holding this
/// goes away (the connection's `deinit` finishes it), or when the process
/// dies and the server sees the socket close.
final class AdvisoryLockSession: @unchecked Sendable {
    let key: Int64
    private let mutex = NSLock()
    private var connection: PostgresConnection?

    init(connection: PostgresConnection, key: Int64) {
        self.connection = connection
        self.key = key
    }

    /// Still holding: open, and the server has not dropped the connection.
    var isHeld: Bool { mutex.withLock { connection?.isHealthy ?? false } }

    /// `body` on the holding connection, or nil once closed.
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) rethrows -> T? {
        try mutex.withLock { try connection.map(body) }
    }

    /// Unlocks and closes; true when this session still held the lock.
    func close() -> Bool {
        mutex.withLock {
            defer { connection = nil }
            guard let c = connection, c.isHealthy else { return false }
            return (try? c.scalar("SELECT pg_advisory_unlock($1)", [key])) == "t"
        }
    }
}

extension ApplyLock {
    /// The advisory lock key of a lock name: "rclk" in the high half (apart
    /// from the schema migrations' key), FNV-1a of the name in the low half.
    /// `pg_locks` shows the halves as `classid` and `objid`.
    public static func advisoryKey(for name: String) -> Int64 {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int64(0x7263_6c6b) << 32 | Int64(hash)
    }

    func postgresTryAcquire(_ owner: LockOwner, now: Date) throws -> Attempt {
        guard case .postgres(let db) = backend else { preconditionFailure("PostgreSQL lock on a SQLite state") }
        let key = Self.advisoryKey(for: name)
        // Dedicated: the lock lives exactly as long as this connection. When
        // refused (or when writing the row fails) it is closed on return.
        let c = try db.dedicatedConnection()
        guard try c.scalar("SELECT pg_try_advisory_lock($1)", [key]) == "t" else {
            return .held(try heldRecord(c, key: key, now: now))
        }
        // A holder whose host vanishes (power cut, network gone) closes no
        // socket: the server's keepalive probes on this session notice within
        // about a minute, instead of the system default of hours.
        _ = try? c.query("SET tcp_keepalives_idle = 30")
        _ = try? c.query("SET tcp_keepalives_interval = 10")
        _ = try? c.query("SET tcp_keepalives_count = 3")
        // A row here is a holder that died without releasing: overwritten.
        let left = try c.rows("SELECT * FROM reconcile_lock WHERE name = $1", [name]).first.map(Self.record(_:))
        let token = UUID().uuidString
        try c.query("""
            INSERT INTO reconcile_lock (name, token, holder, pid, host, acquired_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (name) DO UPDATE SET token = excluded.token, holder = excluded.holder, pid = excluded.pid,
              host = excluded.host, acquired_at = excluded.acquired_at
            """, [name, token, owner.holder, owner.pid, owner.host, now.timeIntervalSince1970])
        return .acquired(LockHandle(name: name, token: token, session: AdvisoryLockSession(connection: c, key: key)),
                         tookOverStale: left)
    }

    func postgresRelease(_ handle: LockHandle) throws -> Bool {
        guard case .postgres(let db) = backend else { preconditionFailure("PostgreSQL lock on a SQLite state") }
        // The row first, by token (never a later holder's), then the lock.
        let sql = "DELETE FROM reconcile_lock WHERE name = $1 AND token = $2"
        if let session = handle.session {
            do {
                if try session.withConnection({ try $0.query(sql, [handle.name, handle.token]) }) != nil, session.isHeld {
                    return session.close()
                }
            } catch where !session.isHeld {
                // The server had already ended the session (and the lock with it).
            }
            _ = session.close()
        }
        // Lost or never held here: only its own row, by token, is removed.
        try db.withConnection { _ = try $0.query(sql, [handle.name, handle.token]) }
        return false
    }

    /// The row, but only while some session really holds the advisory lock.
    func postgresCurrent() throws -> LockRecord? {
        guard case .postgres(let db) = backend else { preconditionFailure("PostgreSQL lock on a SQLite state") }
        let key = Self.advisoryKey(for: name)
        return try db.withConnection { c in
            guard try Self.advisoryHolder(c, key: key) != nil else { return nil }
            return try heldRecord(c, key: key, now: Date())
        }
    }

    /// Who holds the lock another session has: its row, written by the
    /// acquirer right after locking. In the moment between the two, or for a
    /// holder that is not `reconcile`, the row may be missing: then what the
    /// server knows of the session.
    private func heldRecord(_ c: PostgresConnection, key: Int64, now: Date) throws -> LockRecord {
        for attempt in 0..<5 {
            if let row = try c.rows("SELECT * FROM reconcile_lock WHERE name = $1", [name]).first { return Self.record(row) }
            if attempt < 4 { usleep(20_000) }
        }
        let session = try Self.advisoryHolder(c, key: key)
        let server = session.map { "PostgreSQL session \($0.pid)" } ?? "a PostgreSQL session"
        return LockRecord(token: "", owner: LockOwner(holder: "unknown holder (\(server), no holder row)", pid: 0,
                                                      host: session?.client ?? "unknown host"),
                          acquiredAt: session?.since ?? now)
    }

    /// The server session holding the advisory lock `key` in this database.
    static func advisoryHolder(_ c: PostgresConnection, key: Int64) throws -> (pid: Int, client: String?, since: Date?)? {
        let row = try c.rows("""
            SELECT l.pid, host(a.client_addr) AS client, extract(epoch FROM a.backend_start)::double precision AS since
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::text::bigint = $1 AND l.objid::text::bigint = $2
            """, [key >> 32, key & 0xffff_ffff]).first
        guard let row else { return nil }
        return (row.int("pid") ?? 0, row.string("client"), row.double("since").map(Date.init(timeIntervalSince1970:)))
    }

    static func record(_ row: PostgresRow) -> LockRecord {
        LockRecord(token: row.string("token") ?? "",
                   owner: LockOwner(holder: row.string("holder") ?? "", pid: Int32(row.int("pid") ?? 0), host: row.string("host") ?? ""),
                   acquiredAt: Date(timeIntervalSince1970: row.double("acquired_at") ?? 0))
    }
}
