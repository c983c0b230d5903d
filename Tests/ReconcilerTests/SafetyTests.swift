import Inventory
import DNSRecords
import Testing
@testable import Reconciler

@Suite struct SafetyTests {
    let zone = "acme-mail.com"

    func plan(desired: [DNSRecord], observed: [DNSRecord], owned: [DNSRecord]? = nil,
              role: DomainRole = .active, extra: [PlanAction] = []) throws -> Plan {
        let diff = RecordDiff.diff(zone: zone, desired: desired.map(TargetRecord.init), observed: observed,
                                   owned: Set((owned ?? observed).map(\.key)))
        return try Plan(actions: diff.actions + extra, domains: [diff.summary(role: role)],
                        fingerprint: Fixtures.fingerprint())
    }

    @Test func rewritingMoreThanThirtyPercentIsRefused() throws {
        let observed = Fixtures.mailRecords(zone)            // 6 managed records
        var desired = observed
        desired[2].value = "v=spf1 include:mailgun.org ~all"  // 1 update = 16.7 %
        try plan(desired: desired, observed: observed).checkSafety()

        desired[3].value = "v=DMARC1; p=quarantine"          // 2 updates = 33.3 %
        let p = try plan(desired: desired, observed: observed)
        #expect(p.safetyViolations() == [.tooManyRewrites(domain: zone, changed: 2, managed: 6, threshold: 0.3)])
        #expect(throws: UnsafePlan.self) { try p.checkSafety() }
        #expect(UnsafePlan(violations: p.safetyViolations()).description.contains("2 of 6 managed records deleted or rewritten (33.3 % > 30.0 %)"))

        // Threshold configurable, globally or per domain; --allow-destructive passes.
        try p.checkSafety(SafetyPolicy(maxRewriteFraction: 0.5))
        try p.checkSafety(SafetyPolicy(rewriteFractionByDomain: [zone: 0.4]))
        try p.checkSafety(SafetyPolicy(allowDestructive: true))
        // octoDNS's floor: small zones exempt when asked.
        try p.checkSafety(SafetyPolicy(minimumManagedRecords: 10))
    }

    @Test func deletesCountTowardTheThreshold() throws {
        let observed = Fixtures.mailRecords(zone)
        let p = try plan(desired: Array(observed.prefix(4)), observed: observed)
        #expect(p.counts.delete == 2)
        #expect(p.safetyViolations() == [.tooManyRewrites(domain: zone, changed: 2, managed: 6, threshold: 0.3)])
    }

    @Test func creatingIntoAnEmptyZoneIsSafe() throws {
        try plan(desired: Fixtures.mailRecords(zone), observed: []).checkSafety()
    }

    @Test func removingEveryMXOfAMailDomainIsRefused() throws {
        let observed = Fixtures.mailRecords(zone)
        let noMX = observed.filter { $0.type != .MX }
        let p = try plan(desired: noMX, observed: observed)
        let lenient = SafetyPolicy(maxRewriteFraction: 1)
        #expect(p.safetyViolations(lenient) == [.mxRemoved(domain: zone)])
        // A retired domain may lose its MX.
        try plan(desired: noMX, observed: observed, role: .retired).checkSafety(lenient)
        // Replacing MX (one removed, one added) is not a removal.
        var swapped = observed
        swapped[1] = Fixtures.rec(zone, .MX, "mx3.zoho.com", prio: 30)
        let q = try plan(desired: swapped, observed: observed)
        #expect(q.safetyViolations(lenient).isEmpty)
    }

    /// `role: retired` (promote-spare --replace) is a reviewed teardown: its
    /// record deletes are not a rewrite of the domain, but count toward the
    /// teardown limit — retiring one passes, retiring four at once does not.
    @Test func retiringIsATeardownNotARewrite() throws {
        let observed = Fixtures.mailRecords(zone)
        let p = try plan(desired: [], observed: observed, role: .retired)
        #expect(p.counts.delete == observed.count)
        #expect(p.safetyViolations().isEmpty)
        let active = try plan(desired: [], observed: observed)
        #expect(active.safetyViolations().contains(.tooManyRewrites(domain: zone, changed: 6, managed: 6, threshold: 0.3)))

        let zones = (1...4).map { "d\($0).com" }
        var actions: [PlanAction] = [], summaries: [DomainSummary] = []
        for z in zones {
            let diff = RecordDiff.diff(zone: z, desired: [], observed: Fixtures.mailRecords(z),
                                       owned: Set(Fixtures.mailRecords(z).map(\.key)))
            actions += diff.actions + [PlanAction(.delete, ResourceAddress(domain: z, kind: .mailgunDomain))]
            summaries.append(diff.summary(role: .retired))
        }
        let four = try Plan(actions: actions, domains: summaries, fingerprint: Fixtures.fingerprint())
        #expect(four.safetyViolations() == [.tooManyTeardowns(domains: zones, limit: 3)])
    }

    @Test func nameserverChangesAndManyTeardownsAreRefused() throws {
        let ns = PlanAction(.update, ResourceAddress(domain: zone, kind: .nameservers),
                            before: ResourceState(["nameservers": .string("a.ns")]),
                            after: ResourceState(["nameservers": .string("b.ns")]))
        let p = try Plan(actions: [ns], domains: [], fingerprint: Fixtures.fingerprint())
        #expect(p.safetyViolations() == [.nameserverChange(domain: zone)])

        let teardowns = (1...4).map { PlanAction(.delete, ResourceAddress(domain: "d\($0).com", kind: .mailgunDomain)) }
        let t = try Plan(actions: teardowns, domains: [], fingerprint: Fixtures.fingerprint())
        #expect(t.safetyViolations() == [.tooManyTeardowns(domains: ["d1.com", "d2.com", "d3.com", "d4.com"], limit: 3)])
        try t.checkSafety(SafetyPolicy(maxDomainTeardowns: 4))
        try Plan(actions: Array(teardowns.prefix(3)), domains: [], fingerprint: Fixtures.fingerprint()).checkSafety()
    }
}
