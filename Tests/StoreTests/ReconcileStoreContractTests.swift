import Foundation
import Store
import Testing

/// The reconciler's stores (observation cache, ownership, journal, lock)
/// keep the same contract on both backends: each test runs on a SQLite
/// file and on a PostgreSQL database, reopening the state as the next
/// process (or the next CI runner) would.
@Suite struct ReconcileStoreContractTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func observation(_ address: String, _ domain: String, kind: String = "zone", _ state: String, at: Date = t0) -> Observation {
        Observation(address: address, domain: domain, kind: kind, state: Data(state.utf8), hash: "h-\(state)", observedAt: at)
    }

    @Test(arguments: StateBackend.allCases)
    func observationCacheSavesReplacesLoadsAndInvalidates(_ backend: StateBackend) async throws {
        let state = try backend.fresh(); defer { state.remove() }
        let later = Self.t0.addingTimeInterval(60.125)
        do {
            let cache = ObservationCache(try state.open())
            try await cache.save([
                Self.observation("a.com/zone/", "a.com", "[1]"),
                Self.observation("b.com/zone/", "b.com", "[2]"),
                Self.observation("B.com/mailgun/", "B.com", kind: "mailgunDomain", "{}"),
                Self.observation("b.com/zoho/", "b.com", kind: "zohoDomain", "[\u{0}\u{ff}]"),
            ])
            // The same address twice in one save: the last one stands.
            try await cache.save([Self.observation("a.com/zone/", "a.com", "[3]", at: later),
                                  Self.observation("a.com/zone/", "a.com", "[4]", at: later)])
        }
        let cache = ObservationCache(try state.open())
        let a = try #require(try await cache.load("a.com/zone/"))
        #expect(a.state == Data("[4]".utf8) && a.hash == "h-[4]" && a.observedAt == later)
        // Bytewise order ("B" before "a"), whatever the database's collation.
        #expect(try await cache.all().map(\.address) == ["B.com/mailgun/", "a.com/zone/", "b.com/zoho/", "b.com/zone/"])
        #expect(try await cache.load(domain: "b.com").map(\.address) == ["b.com/zoho/", "b.com/zone/"])
        #expect(try await cache.load(domain: "b.com").first?.state == Data("[\u{0}\u{ff}]".utf8))
        #expect(try await cache.load(kinds: ["mailgunDomain", "zohoDomain"]).map(\.address) == ["B.com/mailgun/", "b.com/zoho/"])
        #expect(try await cache.load(kinds: []).isEmpty)
        #expect(try await cache.load("nowhere") == nil)

        try await cache.invalidate(["b.com/zone/", "nowhere"])
        #expect(try await cache.load("b.com/zone/") == nil)
        try await cache.invalidate(kind: "zohoDomain")
        #expect(try await cache.all().map(\.address) == ["B.com/mailgun/", "a.com/zone/"])
    }

    @Test(arguments: StateBackend.allCases)
    func ownershipAddsRemovesAndIsReadPerDomainAndWhole(_ backend: StateBackend) async throws {
        let state = try backend.fresh(); defer { state.remove() }
        let owned = RecordOwnership(try state.open())
        try await owned.record(domain: "a.com", adding: ["A @ 1.2.3.4", "TXT @ x", "TXT @ x"], removing: [], now: Self.t0)
        try await owned.record(domain: "b.com", adding: ["MX @ 10 mx"], removing: [], now: Self.t0)
        try await owned.record(domain: "a.com", adding: ["CNAME www @"], removing: ["TXT @ x", "never owned"], now: Self.t0)
        let again = RecordOwnership(try state.open())
        #expect(try await again.owned(domain: "a.com") == ["A @ 1.2.3.4", "CNAME www @"])
        #expect(try await again.owned(domain: "c.com") == [])
        #expect(try await again.ownedByDomain() == ["a.com": ["A @ 1.2.3.4", "CNAME www @"], "b.com": ["MX @ 10 mx"]])
        // Adding what is owned already changes nothing (and does not fail).
        try await again.record(domain: "b.com", adding: ["MX @ 10 mx"], removing: [], now: Self.t0.addingTimeInterval(5))
        #expect(try await again.owned(domain: "b.com") == ["MX @ 10 mx"])
    }

    @Test(arguments: StateBackend.allCases)
    func startedButNotFinishedIsAnUnknownOutcomeForTheNextProcess(_ backend: StateBackend) async throws {
        let state = try backend.fresh(); defer { state.remove() }
        let t0 = Self.t0
        do {
            let j = ApplyJournal(try state.open())
            try await j.beginRun("run-1", planDigest: "P", holder: "runner-a", now: t0)
            try await j.started(run: "run-1", planDigest: "P", actionID: "create:a", action: Data("A".utf8), now: t0)
            try await j.finished(run: "run-1", planDigest: "P", actionID: "create:a", action: Data("A".utf8),
                                 state: .succeeded, outputs: ["id": "42"], now: t0.addingTimeInterval(1))
            try await j.finished(run: "run-1", planDigest: "P", actionID: "verify:a", action: Data([0, 255]),
                                 state: .skipped, detail: "dependency failed", now: t0.addingTimeInterval(2))
            try await j.started(run: "run-1", planDigest: "P", actionID: "create:b", action: Data([0, 1, 2]), now: t0)
            // The runner dies here: no endRun, create:b never finished.
        }
        let j = ApplyJournal(try state.open())
        let unknown = try await j.unknownOutcomes()
        #expect(unknown.map(\.actionID) == ["create:b"])
        #expect(unknown.first?.action == Data([0, 1, 2]) && unknown.first?.runID == "run-1" && unknown.first?.finishedAt == nil)
        let done = try #require(try await j.latest(planDigest: "P", actionID: "create:a"))
        #expect(done.state == .succeeded && done.outputs == ["id": "42"] && done.finishedAt == t0.addingTimeInterval(1))
        #expect(try await j.latest(planDigest: "other", actionID: "create:a") == nil)

        try await j.resolve(run: "run-1", actionID: "create:b", as: .recoveredApplied, outputs: ["id": "7"], detail: "found", now: t0)
        // Resolving twice does nothing: only a started entry is settled.
        try await j.resolve(run: "run-1", actionID: "create:b", as: .recoveredAbsent, detail: "late", now: t0)
        #expect(try await j.unknownOutcomes().isEmpty)
        #expect(try await j.entries(run: "run-1").map(\.state) == [.succeeded, .skipped, .recoveredApplied])
        // The dead runner's run never ended; once abandoned it is handled once only.
        #expect(try await j.unendedRuns() == ["run-1"])
        try await j.abandon(run: "run-1", now: t0.addingTimeInterval(5))
        #expect(try await j.unendedRuns().isEmpty)
        #expect(try await j.entries(run: "run-1")[1].detail == "dependency failed")

        // The next run of the same plan finds the latest entry of each action.
        try await j.beginRun("run-2", planDigest: "P", holder: "runner-b", now: t0.addingTimeInterval(10))
        try await j.finished(run: "run-2", planDigest: "P", actionID: "create:a", action: Data("A".utf8),
                             state: .failed, detail: "boom", now: t0.addingTimeInterval(11))
        try await j.endRun("run-2", status: "failed", now: t0.addingTimeInterval(12))
        #expect(try await j.latest(planDigest: "P", actionID: "create:a")?.state == .failed)
        let outputs = try await j.appliedOutputs(actionIDsContaining: "create:")
        #expect(outputs.map(\.actionID) == ["create:a", "create:b"] && outputs.map(\.outputs) == [["id": "42"], ["id": "7"]])
    }

    /// A plan fingerprint recurs when a change is reverted and made again:
    /// only runs since the plan last converged, and since another plan ran,
    /// are resumed — else the third apply of A→B→A→B would skip its actions.
    @Test(arguments: StateBackend.allCases)
    func onlyUnfinishedRunsOfThePlanAreResumed(_ backend: StateBackend) async throws {
        let state = try backend.fresh(); defer { state.remove() }
        let j = ApplyJournal(try state.open()), t0 = Self.t0
        func run(_ id: String, _ digest: String, _ action: String, _ status: String?) async throws {
            try await j.beginRun(id, planDigest: digest, holder: "h", now: t0)
            try await j.finished(run: id, planDigest: digest, actionID: action, action: Data(), state: .succeeded, now: t0)
            if let status { try await j.endRun(id, status: status, now: t0) }
        }
        try await run("r1", "P", "update:a", nil)             // killed mid-way
        #expect(try await j.resumable(planDigest: "P").keys.sorted() == ["update:a"])
        try await run("r2", "P", "update:b", "converged")     // the resumed run finishes it
        #expect(try await j.resumable(planDigest: "P").isEmpty, "a converged plan is not resumed again")
        try await run("r3", "Q", "update:a", "converged")     // reverted
        try await run("r4", "P", "update:c", "failed")        // made again: a new apply of P, partly failed
        #expect(try await j.resumable(planDigest: "P").keys.sorted() == ["update:c"])
        try await run("r5", "Q", "update:x", nil)
        #expect(try await j.resumable(planDigest: "P").isEmpty, "another plan ran since")
    }

    @Test(arguments: StateBackend.allCases)
    func twoConcurrentAttemptsOneWinsAndTheLoserNamesTheHolder(_ backend: StateBackend) async throws {
        let state = try backend.fresh(); defer { state.remove() }
        _ = try state.open()
        // Two independent states, as two processes (or hosts) would have.
        let first = ApplyLock(try state.open()), second = ApplyLock(try state.open())
        let results = try await withThrowingTaskGroup(of: ApplyLock.Attempt.self) { group in
            group.addTask { try first.tryAcquire(LockOwner(holder: "ci-1", pid: 101, host: "runner-1")) }
            group.addTask { try second.tryAcquire(LockOwner(holder: "ci-2", pid: 202, host: "runner-2")) }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = results.compactMap { if case .acquired(let h, _) = $0 { h } else { nil } }
        let losers = results.compactMap { if case .held(let r) = $0 { r } else { nil } }
        #expect(winners.count == 1 && losers.count == 1)
        let holder = try #require(try first.current())
        #expect(losers.first == holder)
        #expect(try second.current() == holder)
        #expect([101, 202].contains(holder.owner.pid) && holder.owner.host == "runner-\(holder.owner.pid / 101)")

        // --lock-timeout: waiting gives up with an error naming holder, pid and host...
        let refusal = await #expect(throws: LockError.self) {
            _ = try await second.acquire(LockOwner.current(holder: "ci-3"), timeout: 0.3, pollInterval: 0.05)
        }
        let text = refusal.map { "\($0)" } ?? ""
        #expect(text.contains(holder.owner.holder) && text.contains("pid \(holder.owner.pid)") && text.contains(holder.owner.host), "\(text)")
        // ...or gets the lock once the holder releases it while we wait.
        let waiter = Task { try await second.acquire(LockOwner.current(holder: "ci-4"), timeout: 10, pollInterval: 0.05) }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(try first.release(winners[0]))
        let handle = try await waiter.value
        #expect(try first.current()?.owner.holder == "ci-4")
        // The old handle cannot release the new holder's lock.
        #expect(try first.release(winners[0]) == false)
        #expect(try first.current()?.owner.holder == "ci-4")
        try second.refresh(handle, now: Self.t0)
        #expect(try first.current()?.acquiredAt == Self.t0)
        #expect(try second.release(handle))
        #expect(try second.current() == nil)
        guard case .acquired(let h, _) = try first.tryAcquire(LockOwner.current(holder: "ci-5")) else {
            Issue.record("a released lock was not free"); return
        }
        #expect(try first.release(h))
    }
}
