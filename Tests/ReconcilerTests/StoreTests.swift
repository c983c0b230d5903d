import Foundation
import Testing
import Store

@Suite struct ObservationCacheTests {
    @Test func savesReplacesAndSurvivesReopen() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let cache = ObservationCache(try tmp.open())
            try await cache.save([
                Observation(address: "a.com/zone/", domain: "a.com", kind: "zone", state: Data("[1]".utf8), hash: "h1", observedAt: t0),
                Observation(address: "b.com/zone/", domain: "b.com", kind: "zone", state: Data("[2]".utf8), hash: "h2", observedAt: t0),
            ])
            try await cache.save([
                Observation(address: "a.com/zone/", domain: "a.com", kind: "zone", state: Data("[3]".utf8), hash: "h3",
                            observedAt: t0.addingTimeInterval(60)),
            ])
        }
        let cache = ObservationCache(try tmp.open())
        let a = try #require(try await cache.load("a.com/zone/"))
        #expect(a.state == Data("[3]".utf8))
        #expect(a.hash == "h3")
        #expect(a.observedAt == t0.addingTimeInterval(60))
        #expect(try await cache.all().map(\.address) == ["a.com/zone/", "b.com/zone/"])
        #expect(try await cache.load(domain: "b.com").map(\.hash) == ["h2"])
        try await cache.invalidate(["b.com/zone/"])
        #expect(try await cache.load("b.com/zone/") == nil)
    }

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

@Suite struct ApplyJournalTests {
    @Test func startedButNotFinishedIsAnUnknownOutcomeAfterReopen() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let j = ApplyJournal(try tmp.open())
            try await j.beginRun("run-1", planDigest: "P", holder: "test", now: t0)
            try await j.started(run: "run-1", planDigest: "P", actionID: "create:a", action: Data("A".utf8), now: t0)
            try await j.finished(run: "run-1", planDigest: "P", actionID: "create:a", action: Data("A".utf8),
                                 state: .succeeded, outputs: ["id": "42"], now: t0)
            try await j.started(run: "run-1", planDigest: "P", actionID: "create:b", action: Data("B".utf8), now: t0)
            // The process dies here.
        }
        let j = ApplyJournal(try tmp.open())
        let unknown = try await j.unknownOutcomes()
        #expect(unknown.map(\.actionID) == ["create:b"])
        #expect(unknown.first?.action == Data("B".utf8))
        let done = try #require(try await j.latest(planDigest: "P", actionID: "create:a"))
        #expect(done.state == .succeeded)
        #expect(done.outputs == ["id": "42"])

        try await j.resolve(run: "run-1", actionID: "create:b", as: .recoveredApplied, detail: "found", now: t0)
        #expect(try await j.unknownOutcomes().isEmpty)
        #expect(try await j.entries(run: "run-1").map(\.state) == [.succeeded, .recoveredApplied])
    }
}

@Suite struct ApplyLockTests {
    @Test func twoConcurrentAttemptsOneWins() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        _ = try tmp.open()
        // Two independent connections to the same file, as two processes would have.
        let first = ApplyLock(try tmp.open()), second = ApplyLock(try tmp.open())
        let results = try await withThrowingTaskGroup(of: ApplyLock.Attempt.self) { group in
            group.addTask { try first.tryAcquire(LockOwner.current(holder: "ci-1")) }
            group.addTask { try second.tryAcquire(LockOwner.current(holder: "ci-2")) }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.compactMap { if case .acquired(let h, _) = $0 { h } else { nil } }
        let losers = results.compactMap { if case .held(let r) = $0 { r } else { nil } }
        #expect(winners.count == 1 && losers.count == 1)
        let holder = try #require(try first.current())
        #expect(losers.first == holder)
        #expect(holder.owner.pid == getpid())

        // --lock-timeout: waiting gives up with a clear error...
        await #expect(throws: LockError.self) {
            _ = try await second.acquire(LockOwner.current(holder: "ci-3"), timeout: 0.3, pollInterval: 0.05)
        }
        // ...or gets the lock once the holder releases it while we wait.
        let waiter = Task { try await second.acquire(LockOwner.current(holder: "ci-4"), timeout: 5, pollInterval: 0.05) }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(try first.release(winners[0]))
        let handle = try await waiter.value
        #expect(try second.current()?.owner.holder == "ci-4")
        #expect(try second.release(handle))
        #expect(try second.current() == nil)
    }

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
