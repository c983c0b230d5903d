import Foundation
import Testing
import Store

// The stores' contract on both backends: Tests/StoreTests/ReconcileStoreContractTests.swift.
@Suite struct ObservationCacheTests {
    @Test func refreshPolicyDecidesWhatToRead() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let cached = Observation(address: "a", domain: "a", kind: "zone", state: Data(), hash: "", observedAt: t0)
        let later = t0.addingTimeInterval(600)
        #expect(RefreshPolicy.auto(maxAge: 900).needsRead(cached, now: later) == false)
        #expect(RefreshPolicy.auto(maxAge: 300).needsRead(cached, now: later) == true)
        #expect(RefreshPolicy.full.needsRead(cached, now: t0) == true)
        #expect(RefreshPolicy.none.needsRead(cached, now: later.addingTimeInterval(1e6)) == false)
        // Never observed: always read, whatever the policy.
        #expect(RefreshPolicy.none.needsRead(nil, now: t0) == true)
    }
}

/// SQLite only: a lock row is stale when its process is dead on this host or
/// it is old (PostgreSQL's advisory lock ends with its holder's session).
@Suite struct ApplyLockTests {
    @Test func lockOfADeadProcessOnThisHostIsTakenOver() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let lock = ApplyLock(try tmp.open())
        // A real process that has exited: its pid is dead.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let host = ProcessInfo.processInfo.hostName
        guard case .acquired(let dead, _) = try lock.tryAcquire(LockOwner(holder: "crashed", pid: p.processIdentifier, host: host))
        else { Issue.record("empty lock not acquired"); return }
        let attempt = try lock.tryAcquire(LockOwner.current(holder: "next"))
        guard case .acquired(let mine, let stale) = attempt else { Issue.record("stale lock not taken over: \(attempt)"); return }
        #expect(stale?.owner.holder == "crashed")
        // The crashed holder's handle can no longer release the new lock.
        #expect(try lock.release(dead) == false)
        #expect(try lock.current()?.owner.holder == "next")
        #expect(try lock.release(mine))
    }

    @Test func lockFromAnotherHostIsStaleOnlyWhenOld() throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let lock = ApplyLock(try tmp.open(), staleAfter: 3600)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        // pid 1 is alive here, but on another host we cannot tell: only age counts.
        let remote = LockOwner(holder: "runner-b", pid: 999_999, host: "other-host")
        guard case .acquired = try lock.tryAcquire(remote, now: t0) else { Issue.record("not acquired"); return }
        #expect(try lock.tryAcquire(LockOwner.current(holder: "me"), now: t0.addingTimeInterval(1800))
                == .held(try #require(try lock.current())))
        guard case .acquired(_, let stale) = try lock.tryAcquire(LockOwner.current(holder: "me"), now: t0.addingTimeInterval(3601))
        else { Issue.record("old lock not taken over"); return }
        #expect(stale?.owner == remote)
    }

    @Test func liveLockOnThisHostIsHeldHoweverOldUntilStaleAfter() throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let lock = ApplyLock(try tmp.open(), staleAfter: 60)
        let t0 = Date()
        _ = try lock.tryAcquire(LockOwner.current(holder: "a"), now: t0)
        if case .acquired = try lock.tryAcquire(LockOwner.current(holder: "b"), now: t0.addingTimeInterval(30)) {
            Issue.record("a live, fresh lock was taken over")
        }
    }
}
