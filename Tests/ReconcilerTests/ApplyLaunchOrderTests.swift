import Foundation
import Store
import Testing
@testable import Reconciler

/// The executor launches the ready step with the longest chain of steps
/// waiting on it first (issue #13 §4): a step that unlocks another lane's
/// work goes before leaves nothing waits on, so the binding lane works on
/// those leaves while the other lane runs, instead of idling afterwards.
@Suite struct ApplyLaunchOrderTests {
    /// Plan order puts domain `a`'s four users (leaves) before domain `b`'s
    /// verification, which unlocks a zone write (the slow lane), which
    /// unlocks `b`'s DKIM key (the binding lane again).
    func chainPlan() throws -> Plan {
        let a = "a-leaves.example", b = "b-chain.example"
        let users = (1...4).map { PlanAction(.create, ResourceAddress(domain: a, kind: .zohoUser, identity: "u\($0)@\(a)")) }
        let verify = PlanAction(.verify, ResourceAddress(domain: b, kind: .zohoDomain))
        let write = PlanAction(.create, ResourceAddress(domain: b, kind: .dnsRecord, identity: "zmail._domainkey TXT v"),
                               dependsOn: [verify.id], batch: "zone:\(b)")
        let key = PlanAction(.verify, ResourceAddress(domain: b, kind: .zohoDomain, identity: "dkim:zmail"), dependsOn: [write.id])
        return try Plan(actions: users + [verify, write, key], domains: [],
                        fingerprint: PlanFingerprint(inventory: "launch-order", observed: [:]))
    }

    /// Lane `zoho` (one slot: the 1/s budget) and lane `registrar`, whose
    /// write waits (up to `patience`) until the Zoho lane has finished
    /// every user, and notes how many it saw finish while it ran.
    struct TwoLaneDriver: ResourceDriver {
        let log = Log()
        let users: Int
        let patience: TimeInterval
        func perform(_ step: ExecutionStep) async throws -> StepResult {
            let a = step.actions[0]
            await log.started(a.id)
            if a.address.kind == .dnsRecord {
                let before = await log.usersDone
                let deadline = Date().addingTimeInterval(patience)
                while await log.usersDone < users, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
                await log.noteWrite(usersDuring: await log.usersDone - before)
            } else {
                try await Task.sleep(nanoseconds: 20_000_000)
                if a.address.kind == .zohoUser { await log.userDone() }
            }
            return .done(outputs: [:])
        }
        func probe(_ action: PlanAction) async throws -> ProbeResult { .notApplied }
    }

    actor Log {
        var order: [ActionID] = []
        var usersDone = 0
        var usersDuringWrite: Int?
        func started(_ id: ActionID) { order.append(id) }
        func userDone() { usersDone += 1 }
        func noteWrite(usersDuring n: Int) { usersDuringWrite = n }
    }

    func run(_ plan: Plan, patience: TimeInterval) async throws -> (Log, ApplySummary) {
        let tmp = TempStore(); defer { tmp.remove() }
        let driver = TwoLaneDriver(users: 4, patience: patience)
        let lane: @Sendable (PlanAction) -> String = { $0.address.kind == .dnsRecord ? "registrar" : "zoho" }
        let summary = try await ApplyExecutor(store: try tmp.open(), driver: driver, concurrency: 1, lane: lane).apply(plan)
        return (driver.log, summary)
    }

    @Test func theStepThatUnlocksAnotherLaneGoesFirstAndTheBindingLaneWorksMeanwhile() async throws {
        let plan = try chainPlan()
        let (log, summary) = try await run(plan, patience: 60)
        #expect(summary.converged, "\(summary.sentence)")
        let order = await log.order
        #expect(order.first == ActionID(.verify, ResourceAddress(domain: "b-chain.example", kind: .zohoDomain)), "\(order)")
        // Every user ran while the zone write was in flight: the Zoho lane never waited on it.
        #expect(await log.usersDuringWrite == 4)
        #expect(order.last == ActionID(.verify, ResourceAddress(domain: "b-chain.example", kind: .zohoDomain, identity: "dkim:zmail")))
    }

    /// Plan order (what the executor followed before) starts with the users;
    /// the launch order starts with the chain.
    @Test func launchOrderIsLongestChainFirstThenPlanOrder() throws {
        let plan = try chainPlan()
        let steps = Step.build(plan.actions)
        let launch = ApplyRunState.launchOrder(steps)
        let ids = launch.map { steps[$0].actions[0].id }
        let verify = ActionID(.verify, ResourceAddress(domain: "b-chain.example", kind: .zohoDomain))
        #expect(ids.first == verify)
        #expect(steps.first.map { $0.actions[0].address.kind } == .zohoUser, "plan order starts with a leaf")
        // Heights: verify 3, write 2, then the leaves (users, the key) in plan order.
        #expect(ids.prefix(2) == [verify, ActionID(.create, ResourceAddress(domain: "b-chain.example", kind: .dnsRecord,
                                                                            identity: "zmail._domainkey TXT v"))])
        #expect(ids.dropFirst(2).map(\.description) == steps.map { $0.actions[0].id }.filter { !ids.prefix(2).contains($0) }.map(\.description))
    }
}
