import DNSRecords
import Foundation
import Store
import Testing
@testable import Reconciler

/// Plans the TestWorld as the CLI will plan the real one: observe, diff,
/// with Mailgun's DKIM value known once the domain exists.
func planWorld(_ world: TestWorld, _ domains: [String], store: StateStore, rules: ZoneRules = ZoneRules()) async throws -> Plan {
    var b = PlanBuilder(inventoryHash: "inv")
    for d in domains {
        let mgAddress = ResourceAddress(domain: d, kind: .mailgunDomain)
        let dkim = await world.mailgun[d]
        let mg = try b.addResource(mgAddress, desired: ResourceState(["region": .string("us")]),
                                   observed: dkim.map { _ in ResourceState(["region": .string("us")]) })
        var desired = Fixtures.mailRecords(d).map(TargetRecord.init)
        let dkimValue: PlanValue = dkim.map { .string($0) }
            ?? .knownAfterApply(OutputReference(action: mg!.id, output: "dkim.value"))
        desired.append(TargetRecord(name: "mx._domainkey.\(d)", type: .TXT, ttl: 3600, value: dkimValue))
        let diff = try b.addZone(d, role: .active, rules: rules, desired: desired, observed: await world.zones[d] ?? [],
                                 owned: try await OwnershipKey.owned(store, domain: d))
        if await !world.verified.contains(d) {
            b.add(PlanAction(.verify, mgAddress, dependsOn: diff.actions.map(\.id) + (mg.map { [$0.id] } ?? [])))
        }
    }
    return try b.build()
}

@Suite struct ConvergeTests {
    let domains = ["acme-mail.com", "brand-send.net"]

    /// DNSControl's integration-test shape: after each apply, a fresh plan
    /// must have zero actions.
    @Test func applyThenReplanHasNoChanges() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        await world.seed(zone: domains[0], [Fixtures.rec("www.\(domains[0])", .A, "192.0.2.1")])
        let executor = ApplyExecutor(store: store, driver: TestWorldDriver(world: world))
        let first = try await planWorld(world, domains, store: store)
        #expect(first.counts.create == 16)
        #expect(try await executor.apply(first).converged)
        let second = try await planWorld(world, domains, store: store)
        #expect(!second.hasChanges, "\(TextRenderer().render(second))")
        #expect(second.summary(for: domains[0])?.unmanagedKept == [Fixtures.rec("www.\(domains[0])", .A, "192.0.2.1")])

        // An inventory edit: the old DMARC value is ours (created by us), so it is updated, not duplicated.
        let edited = try await { () async throws -> Plan in
            var b = PlanBuilder(inventoryHash: "inv2")
            let d = domains[0]
            var desired = Fixtures.mailRecords(d).map(TargetRecord.init)
            desired[3] = TargetRecord(Fixtures.rec("_dmarc.\(d)", .TXT, "v=DMARC1; p=quarantine"))
            desired.append(TargetRecord(name: "mx._domainkey.\(d)", type: .TXT, ttl: 3600, value: .string(await world.mailgun[d]!)))
            try b.addZone(d, role: .active, rules: ZoneRules(), desired: desired, observed: await world.zones[d] ?? [],
                          owned: try await OwnershipKey.owned(store, domain: d))
            return try b.build()
        }()
        #expect(edited.actions.map(\.operation) == [.update])
        #expect(try await executor.apply(edited).converged)
        let dmarc = (await world.zones[domains[0]] ?? []).filter { $0.name == "_dmarc.\(domains[0])" }
        #expect(dmarc.map(\.value) == ["v=DMARC1; p=quarantine"])
    }

    @Test func loopConvergesThroughPendingVerification() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        await world.set(verifyPendingRuns: 2)
        let executor = ApplyExecutor(store: store, driver: TestWorldDriver(world: world))
        let slept = Counter()
        let loop = ConvergeLoop(maxWait: 3600, pause: 30, sleep: { _ in await slept.bump() })
        let result = try await loop.run(plan: { try await planWorld(world, domains, store: store) },
                                        apply: { try await executor.apply($0) })
        guard case .converged(let rounds) = result else { Issue.record("not converged: \(result)"); return }
        #expect(rounds >= 2)
        #expect(await slept.value >= 1)
        #expect(await world.verified == Set(domains))
        #expect(await world.generated == 2)
    }

    @Test func loopStopsWaitingAtTheDeadline() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        await world.set(verifyPendingRuns: 1000)
        let executor = ApplyExecutor(store: store, driver: TestWorldDriver(world: world))
        let result = try await ConvergeLoop(maxWait: 0, sleep: { _ in })
            .run(plan: { try await planWorld(world, domains, store: store) }, apply: { try await executor.apply($0) })
        guard case .waiting(let summary, rounds: 1) = result else { Issue.record("expected waiting: \(result)"); return }
        #expect(summary.exitCode == 0)
        #expect(summary.pending.count == 2)
    }

    @Test func loopDetectsFalseDriftInsteadOfRewritingForever() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let world = TestWorld()
        let d = domains[0]
        // The "provider" stores TTL 600 whatever we send; a diff that does not
        // know the minimum (ZoneRules()) would update the TTL on every run.
        let executor = ApplyExecutor(store: store, driver: MinimumTTLDriver(world: world))
        let plan: @Sendable () async throws -> Plan = {
            var b = PlanBuilder(inventoryHash: "inv")
            try b.addZone(d, role: .active, rules: ZoneRules(),
                          desired: [TargetRecord(Fixtures.rec(d, .TXT, "v=spf1 ~all", ttl: 300))],
                          observed: await world.zones[d] ?? [], owned: try await OwnershipKey.owned(store, domain: d))
            return try b.build()
        }
        let result = try await ConvergeLoop(maxWait: 0, sleep: { _ in }).run(plan: plan, apply: { try await executor.apply($0) })
        guard case .notConverging(let p, _) = result else { Issue.record("expected notConverging: \(result)"); return }
        #expect(p.actions.map(\.operation) == [.update])
    }

    @Test func driftReportIsShort() throws {
        var actions: [PlanAction] = []
        for i in 0..<12 {
            let d = "d\(i < 10 ? "0" : "")\(i).com"
            let diff = RecordDiff.diff(zone: d, desired: Fixtures.mailRecords(d).map(TargetRecord.init), observed: [], owned: [])
            actions += diff.actions
        }
        let text = DriftReport().render(try Plan(actions: actions, domains: [], fingerprint: Fixtures.fingerprint()))
        let lines = text.split(separator: "\n")
        #expect(lines.first == "Drift in 12 domains: 72 to create, 0 to update, 0 to delete, 0 to verify, 0 waiting.")
        #expect(lines.last == "… 2 more domains")
        #expect(lines.count == 1 + 10 * 5 + 1)
        #expect(DriftReport().render(try Plan(actions: [], domains: [], fingerprint: Fixtures.fingerprint()))
                == "No drift: the fleet matches the inventory.\n")
    }
}

/// Stores every record with TTL max(ttl, 600), as Porkbun does.
struct MinimumTTLDriver: ResourceDriver {
    let world: TestWorld
    func perform(_ step: ExecutionStep) async throws -> StepResult {
        var raised = step
        raised.actions = step.actions.map { a in
            var a = a
            if case .int(let t)? = a.after?["ttl"] { a.after?["ttl"] = .int(max(t, 600)) }
            return a
        }
        return try await world.perform(raised)
    }
    func probe(_ action: PlanAction) async throws -> ProbeResult { await world.probe(action) }
}
