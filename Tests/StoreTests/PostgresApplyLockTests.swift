import Foundation
import Store
import TestSupport
import Testing

/// The apply lock on PostgreSQL is a session advisory lock: it ends with the
/// holder's connection, whether the holder releases it, drops it, loses it
/// or is killed.
@Suite struct PostgresApplyLockTests {
    /// A holder in another process: `psql` writes the holder row and takes the
    /// advisory lock, then sits idle on its open stdin, as an apply does.
    @Test func aKilledHolderIsNamedWhileAliveAndFreesTheLockAtOnce() async throws {
        let url = try PostgresServer.freshDatabase()
        let lock = ApplyLock(try StateStore(postgres: url))
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", url.redacted]
        let stdin = Pipe()
        psql.standardInput = stdin
        psql.standardOutput = FileHandle.nullDevice
        try psql.run()
        defer { try? stdin.fileHandleForWriting.close() }
        stdin.fileHandleForWriting.write(Data("""
            INSERT INTO reconcile_lock (name, token, holder, pid, host, acquired_at) VALUES ('apply', 'psql', 'ci-runner-7', 4242, 'runner-7', 1800000000);
            SELECT pg_advisory_lock(\(ApplyLock.advisoryKey(for: "apply")));

            """.utf8))
        var holder: LockRecord?
        for _ in 0..<250 where holder == nil {
            holder = try lock.current()
            if holder == nil { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(holder?.owner == LockOwner(holder: "ci-runner-7", pid: 4242, host: "runner-7"))
        #expect(try lock.tryAcquire(LockOwner.current(holder: "second")) == .held(try #require(holder)))
        let refusal = await #expect(throws: LockError.self) {
            _ = try await lock.acquire(LockOwner.current(holder: "second"), timeout: 0.2, pollInterval: 0.05)
        }
        #expect(refusal.map { "\($0)".contains("ci-runner-7 (pid 4242 on runner-7") } == true)

        kill(psql.processIdentifier, SIGKILL)
        let killed = Date()
        var taken: (LockHandle, LockRecord?)?
        while taken == nil, Date().timeIntervalSince(killed) < 10 {
            if case .acquired(let h, let left) = try lock.tryAcquire(LockOwner.current(holder: "second")) { taken = (h, left) }
            else { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        let waited = Date().timeIntervalSince(killed)
        try await offPool { psql.waitUntilExit() }
        let (handle, left) = try #require(taken)
        // "At once": no staleness timeout, the server ended the session.
        #expect(waited < 2, "the lock was free \(waited) s after SIGKILL")
        #expect(left?.owner.holder == "ci-runner-7")
        #expect(try lock.current()?.owner.holder == "second")
        #expect(try lock.release(handle))
        #expect(try lock.current() == nil)
    }

    @Test func aDroppedOrLostHandleFreesTheLockAndItsRowIsNotShown() async throws {
        let url = try PostgresServer.freshDatabase()
        let first = ApplyLock(try StateStore(postgres: url)), second = ApplyLock(try StateStore(postgres: url))
        do {
            guard case .acquired(let dropped, _) = try first.tryAcquire(LockOwner.current(holder: "dropped")) else {
                Issue.record("not acquired"); return
            }
            #expect(try second.current()?.owner.holder == "dropped")
            #expect(try second.tryAcquire(LockOwner.current(holder: "next")) == .held(try #require(try second.current())))
            withExtendedLifetime(dropped) {}
        }
        // Every copy of the handle is gone: its connection closed, the lock is free
        // as soon as the server has ended the session, and the row it left names nobody.
        let c = try PostgresConnection(url: url)
        #expect(try c.scalar("SELECT holder FROM reconcile_lock") == "dropped")
        let dropped = Date()
        while try second.current() != nil, Date().timeIntervalSince(dropped) < 2 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(try second.current() == nil)
        guard case .acquired(let handle, let left) = try second.tryAcquire(LockOwner.current(holder: "next")) else {
            Issue.record("a dropped handle kept the lock"); return
        }
        #expect(left?.owner.holder == "dropped")

        // The server ends the holder's session (a network cut, an admin):
        // the lock is gone with it, and releasing the handle says so.
        try c.query("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND objid::text::bigint = $1 AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, [ApplyLock.advisoryKey(for: "apply") & 0xffff_ffff])
        var free = false
        for _ in 0..<100 where !free {
            free = try first.current() == nil
            if !free { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(free)
        #expect(try second.release(handle) == false)
        #expect(try c.scalar("SELECT COUNT(*) FROM reconcile_lock") == "0")
    }

    @Test func lockNamesHaveDistinctKeysApartFromTheMigrationLock() {
        let apply = ApplyLock.advisoryKey(for: "apply")
        #expect(apply != ApplyLock.advisoryKey(for: "send"))
        #expect(apply >> 32 == 0x7263_6c6b)
        #expect(apply == ApplyLock.advisoryKey(for: "apply"))
    }
}
