import DNSRecords
import Foundation
import Store
import Testing
@testable import Reconciler

@Suite struct ApplyExecutorTests {
    let a = "acme-mail.com", b = "brand-send.net"

    func dkimID(_ d: String) -> ActionID {
        ActionID(.create, ResourceAddress(domain: d, kind: .dnsRecord, identity: "mx._domainkey TXT <dkim.value>"))
    }
    func mgID(_ d: String) -> ActionID { ActionID(.create, ResourceAddress(domain: d, kind: .mailgunDomain)) }
    func verifyID(_ d: String) -> ActionID { ActionID(.verify, ResourceAddress(domain: d, kind: .mailgunDomain)) }

    @Test func runsInDependencyOrderAndResolvesKnownAfterApply() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        let plan = try mailgunPlan([a, b])
        let summary = try await ApplyExecutor(store: store, driver: TestWorldDriver(world: world), concurrency: 3)
            .apply(plan, runID: "run-1")
        #expect(summary.converged)
        #expect(summary.exitCode == 0)
        #expect(summary.done.count == plan.actions.count)

        let calls = await world.calls
        for d in [a, b] {
            let mg = try #require(calls.firstIndex(of: mgID(d).rawValue))
            let dkim = try #require(calls.firstIndex(of: dkimID(d).rawValue))
            let verify = try #require(calls.firstIndex(of: verifyID(d).rawValue))
            #expect(mg < dkim && dkim < verify)
        }
        // The DKIM record carries the value Mailgun generated for that domain.
        let mailgun = await world.mailgun
        let zoneA = await world.zones[a] ?? []
        #expect(zoneA.contains(Fixtures.rec("mx._domainkey.\(a)", .TXT, try #require(mailgun[a]))))
        #expect(zoneA.count == 7)
        #expect(await world.verified == [a, b])

        // Journal: every action started and finished, outputs kept.
        let entries = try await ApplyJournal(store).entries(run: "run-1")
        #expect(entries.count == plan.actions.count)
        #expect(entries.allSatisfy { $0.state == .succeeded && $0.finishedAt != nil })
        #expect(entries.first { $0.actionID == mgID(a).rawValue }?.outputs == ["dkim.value": mailgun[a]!])
        let journaled = try JSONDecoder().decode(PlanAction.self, from: entries.first { $0.actionID == dkimID(a).rawValue }!.action)
        #expect(journaled.after?.record?.value == mailgun[a])

        // The tool now owns what it created, including the resolved DKIM record.
        let owned = try await OwnershipKey.owned(store, domain: a)
        #expect(owned == Set(zoneA.map(\.key)))
    }

    @Test func aFailureSkipsOnlyItsDependents() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        await world.set(failing: [mgID(a)])
        let plan = try mailgunPlan([a, b])
        let summary = try await ApplyExecutor(store: store, driver: TestWorldDriver(world: world), concurrency: 2)
            .apply(plan, runID: "run-f")
        #expect(summary.failed == [mgID(a)])
        #expect(Set(summary.skipped) == [dkimID(a), verifyID(a)])
        #expect(summary.outcome(verifyID(a)) == .skipped(because: dkimID(a)) || summary.outcome(verifyID(a)) == .skipped(because: mgID(a)))
        #expect(summary.exitCode == 1)
        // Independent work went ahead: a's other records, and all of b.
        #expect((await world.zones[a] ?? []).count == 6)
        #expect(await world.verified == [b])
        #expect(await world.count(dkimID(a).rawValue) == 0)

        let entries = try await ApplyJournal(store).entries(run: "run-f")
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.actionID, $0) })
        #expect(byID[mgID(a).rawValue]?.state == .failed)
        #expect(byID[mgID(a).rawValue]?.detail == "injected failure of \(mgID(a))")
        #expect(byID[dkimID(a).rawValue]?.state == .skipped)
        #expect(byID[dkimID(a).rawValue]?.detail == "\(mgID(a)) did not succeed")
    }

    @Test(arguments: TempStore.Backend.allCases)
    func reapplyingTheSamePlanRunsOnlyWhatIsNotDone(_ backend: TempStore.Backend) async throws {
        let tmp = try TempStore(backend); defer { tmp.remove() }
        let world = TestWorld()
        let plan = try mailgunPlan([a, b])
        await world.set(failing: [mgID(a)])
        _ = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan)
        let firstCalls = await world.calls.count
        await world.set()
        let second = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan)
        #expect(second.converged)
        let secondCalls = Array(await world.calls.dropFirst(firstCalls))
        // Only a's Mailgun domain, its DKIM record and its verification ran again.
        #expect(Set(secondCalls) == [mgID(a).rawValue, dkimID(a).rawValue, verifyID(a).rawValue])
        #expect(second.outcome(mgID(b)) == .alreadyApplied)
        #expect((await world.zones[b] ?? []).count == 7)
    }

    @Test func pendingVerificationIsNotAFailure() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let world = TestWorld()
        await world.set(verifyPendingRuns: 1)
        let summary = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(try mailgunPlan([a]))
        #expect(summary.pending == [verifyID(a)])
        #expect(summary.failed.isEmpty)
        #expect(summary.exitCode == 0)
        #expect(!summary.converged)
    }

    /// The process "dies" right after Mailgun created the domain, before the
    /// journal learned of it. The next run, on a reopened store, re-reads
    /// instead of creating again, and reuses the generated DKIM value.
    @Test(arguments: TempStore.Backend.allCases)
    func interruptedCreateIsReReadNotRepeated(_ backend: TempStore.Backend) async throws {
        let tmp = try TempStore(backend); defer { tmp.remove() }
        let world = TestWorld()
        let plan = try mailgunPlan([a])
        await world.set(interruptAfter: mgID(a))
        let first = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(plan, runID: "run-1")
        #expect(first.interrupted)
        #expect(first.exitCode == 1)
        #expect(first.outcome(dkimID(a)) == .unknown)
        let unknown = try await ApplyJournal(try tmp.open()).unknownOutcomes()
        #expect(unknown.map(\.actionID) == [mgID(a).rawValue])

        let store = try tmp.open()
        let second = try await ApplyExecutor(store: store, driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(plan, runID: "run-2")
        #expect(second.converged)
        #expect(second.outcome(mgID(a)) == .alreadyApplied)
        #expect(await world.count(mgID(a).rawValue) == 1)
        #expect(await world.count("probe \(mgID(a))") == 1)
        let dkim = try #require(await world.mailgun[a])
        #expect(await world.generated == 1)
        let zone = await world.zones[a] ?? []
        #expect(zone.filter { $0.name == "mx._domainkey.\(a)" }.map(\.value) == [dkim])
        // No record was created twice.
        #expect(Set(zone.map(\.key)).count == zone.count)
        let resolved = try await ApplyJournal(store).entries(run: "run-1").first { $0.actionID == mgID(a).rawValue }
        #expect(resolved?.state == .recoveredApplied)
    }

    @Test(arguments: TempStore.Backend.allCases)
    func interruptedBeforeTheEffectRunsExactlyOnceLater(_ backend: TempStore.Backend) async throws {
        let tmp = try TempStore(backend); defer { tmp.remove() }
        let world = TestWorld()
        let plan = try mailgunPlan([a])
        await world.set(interruptBefore: dkimID(a))
        let first = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(plan, runID: "run-1")
        #expect(first.interrupted)
        let second = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(plan, runID: "run-2")
        #expect(second.converged)
        #expect(second.outcome(dkimID(a)) == .succeeded)
        #expect(await world.count("probe \(dkimID(a))") == 1)
        let zone = await world.zones[a] ?? []
        #expect(zone.filter { $0.name == "mx._domainkey.\(a)" }.count == 1)
        let states = try await ApplyJournal(try tmp.open()).entries(run: "run-1").map(\.state)
        #expect(states.contains(.recoveredAbsent))
    }

    @Test func wholeZoneProviderGetsOneWriteThatKeepsUnmanagedRecords() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let world = TestWorld()
        let foreign = [Fixtures.rec("www.\(a)", .A, "192.0.2.10"), Fixtures.rec("shop.\(a)", .CNAME, "shops.example.net")]
        await world.seed(zone: a, foreign)
        let plan = try mailgunPlan([a], observed: [a: foreign], rules: .namecheap)
        #expect(plan.summary(for: a)?.unmanagedKept.count == 2)
        let summary = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan)
        #expect(summary.converged)
        #expect(await world.count("zone:\(a)") == 1)
        let zone = await world.zones[a] ?? []
        #expect(zone.count == 9)
        for r in foreign { #expect(zone.contains(r)) }
    }

    /// A whole-zone batch waiting on a value whose write timed out is never
    /// written; every record in it is unknown until the next run — including
    /// the ones that do not need the value (once reported as a "dependency
    /// cycle between batches").
    @Test func aZoneBatchWaitingOnAnUnknownOutcomeIsUnknownWhole() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let world = TestWorld()
        await world.set(unknownAfter: mgID(a))
        let plan = try mailgunPlan([a], rules: .namecheap)
        let records = plan.actions.filter { $0.address.kind == .dnsRecord }
        #expect(records.count > 1 && Set(records.compactMap(\.batch)).count == 1)
        let summary = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan)
        for r in records { #expect(summary.outcome(r.id) == .unknown, "\(r.id): \(summary.outcome(r.id).map(String.init(describing:)) ?? "none")") }
        #expect(await world.count("zone:\(a)") == 0)
        #expect(summary.exitCode == 1)
    }

    @Test func concurrencyIsBounded() async throws {
        let domains = (1...8).map { "d\($0).example" }
        for limit in [1, 3] {
            let tmp = TempStore(); defer { tmp.remove() }
            let world = TestWorld()
            await world.set(stepDelay: 5_000_000)
            let summary = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: limit)
                .apply(try mailgunPlan(domains), runID: "run-\(limit)")
            #expect(summary.converged)
            let peak = await world.maxInFlight
            #expect(peak <= limit)
            if limit > 1 { #expect(peak > 1) }
        }
    }

    /// A provider write that timed out after sending: the action stays
    /// journaled as started, independent work goes on, its dependents wait,
    /// and the next run re-reads it instead of creating a duplicate.
    @Test func unknownOutcomeStaysJournaledAndIsReReadNextRun() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let world = TestWorld()
        await world.set(unknownAfter: mgID(a))
        let plan = try mailgunPlan([a, b])
        let first = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1)
            .apply(plan, runID: "run-1")
        #expect(first.outcome(mgID(a)) == .unknown)
        #expect(first.outcome(dkimID(a)) == .unknown)
        #expect(first.outcome(verifyID(b)) == .succeeded)
        #expect(first.exitCode == 1)
        #expect(try await ApplyJournal(try tmp.open()).unknownOutcomes().map(\.actionID) == [mgID(a).rawValue])

        let second = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan, runID: "run-2")
        #expect(second.converged)
        #expect(await world.count(mgID(a).rawValue) == 1)
        #expect(await world.generated == 2)
    }

    /// When the re-read itself fails, the unknown action is neither repeated
    /// nor allowed to block independent work; a later run settles it.
    @Test func failedReReadKeepsTheActionUnknownAndNeverRepeatsIt() async throws {
        struct BlindProbe: ResourceDriver {
            let world: TestWorld
            func perform(_ step: ExecutionStep) async throws -> StepResult { try await world.perform(step) }
            func probe(_ action: PlanAction) async throws -> ProbeResult { throw TestWorld.Failure(description: "provider down") }
        }
        let tmp = TempStore(); defer { tmp.remove() }
        let world = TestWorld()
        let plan = try mailgunPlan([a, b])
        await world.set(interruptAfter: mgID(a))
        _ = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world), concurrency: 1).apply(plan)
        let blind = ApplyExecutor(store: try tmp.open(), driver: BlindProbe(world: world))
        let recovery = try await blind.recoverUnknownOutcomes()
        #expect(recovery.unsettled == [mgID(a): "provider down"])
        #expect(recovery.applied.isEmpty && recovery.absent.isEmpty)
        let second = try await blind.apply(plan)
        #expect(second.outcome(mgID(a)) == .unknown)
        #expect(second.outcome(dkimID(a)) == .unknown)
        #expect(second.outcome(verifyID(a)) == .unknown)
        #expect(second.outcome(verifyID(b))?.isDone == true)
        #expect(await world.count(mgID(a).rawValue) == 1)
        let third = try await ApplyExecutor(store: try tmp.open(), driver: TestWorldDriver(world: world)).apply(plan)
        #expect(third.converged)
        #expect(await world.count(mgID(a).rawValue) == 1)
        #expect(await world.generated == 2)
    }
}

/// `--apply-concurrency` holds per lane (provider account): steps queued on
/// one account's slow budget never hold the slots another account's ready
/// steps need (issue #13 §4).
@Suite struct ApplyLaneTests {
    let a = "acme-mail.com", b = "brand-send.net"

    /// Domain `a`'s calls stand for a slow budget: each waits (up to
    /// `patience`) until every action of `b` is done, and says whether they
    /// all were.
    struct SlowLaneDriver: ResourceDriver {
        let slow: String
        let others: Int
        let patience: TimeInterval
        let done = Counter()
        func perform(_ step: ExecutionStep) async throws -> StepResult {
            if step.actions[0].address.domain == slow {
                let deadline = Date().addingTimeInterval(patience)
                while await done.value < others, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
                await done.note(slowSawAllOthers: await done.value >= others)
            } else {
                await done.add(step.actions.count)
            }
            return .done(outputs: ["dkim.value": "v=DKIM1; p=x"])
        }
        func probe(_ action: PlanAction) async throws -> ProbeResult { .notApplied }
    }

    actor Counter {
        var value = 0
        var slowSawAllOthers: [Bool] = []
        func add(_ n: Int) { value += n }
        func note(slowSawAllOthers saw: Bool) { slowSawAllOthers.append(saw) }
    }

    func run(lanes: Bool) async throws -> [Bool] {
        let tmp = TempStore(); defer { tmp.remove() }
        let plan = try mailgunPlan([a, b])
        // With lanes `b` finishes whatever the load, so a long patience costs
        // nothing; in one lane `b` cannot start while `a` holds the slot.
        let driver = SlowLaneDriver(slow: a, others: plan.actions.filter { $0.address.domain == b }.count,
                                    patience: lanes ? 60 : 0.5)
        let byDomain: @Sendable (PlanAction) -> String = { action in action.address.domain }
        let one: @Sendable (PlanAction) -> String = { _ in "" }
        let lane = lanes ? byDomain : one
        let executor = ApplyExecutor(store: try tmp.open(), driver: driver, concurrency: 1, lane: lane)
        let summary = try await executor.apply(plan)
        #expect(summary.converged)
        return await driver.done.slowSawAllOthers
    }

    @Test func aSlowLaneDoesNotHoldTheOthersSlots() async throws {
        let laned = try await run(lanes: true)
        #expect(!laned.isEmpty && laned.allSatisfy { $0 }, "\(laned)")
        // One lane for everything: the slow step holds the only slot until its wait gives up.
        let single = try await run(lanes: false)
        #expect(single.first == false, "\(single)")
    }
}
