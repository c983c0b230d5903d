import DNSRecords
import Foundation
import Testing
@testable import Reconciler

/// Golden files live in Golden/; `RECONCILE_UPDATE_GOLDEN=1 swift test` rewrites them.
func golden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
    if ProcessInfo.processInfo.environment["RECONCILE_UPDATE_GOLDEN"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    #expect(actual == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
}

@Suite struct RenderTests {
    /// One domain with every kind of change, one blocked, one unchanged.
    static func samplePlan() throws -> Plan {
        let a = "acme-mail.com"
        let mg = PlanAction(.create, ResourceAddress(domain: a, kind: .mailgunDomain),
                            after: ResourceState(["region": .string("us"), "account": .string("mailgun-us")]))
        let oldSPF = Fixtures.rec(a, .TXT, "v=spf1 include:zoho.com ~all")
        let stale = Fixtures.rec("old.\(a)", .CNAME, "mailgun.org")
        let observed = [
            Fixtures.rec(a, .MX, "mx.zoho.com", ttl: 600, prio: 10),
            Fixtures.rec(a, .MX, "mx2.zoho.com", prio: 20),
            oldSPF, stale,
            Fixtures.rec("www.\(a)", .A, "192.0.2.10"),
        ]
        var desired = Fixtures.mailRecords(a).map(TargetRecord.init)
        desired.append(TargetRecord(name: "mx._domainkey.\(a)", type: .TXT, ttl: 3600,
                                     value: .knownAfterApply(OutputReference(action: mg.id, output: "dkim.value"))))
        let diff = RecordDiff.diff(zone: a, desired: desired, observed: observed, owned: [oldSPF.key, stale.key],
                                   rules: .porkbun)
        let verify = PlanAction(.verify, ResourceAddress(domain: a, kind: .mailgunDomain),
                                dependsOn: diff.actions.map(\.id) + [mg.id], note: "after the DKIM record is visible")
        let user = PlanAction(.create, ResourceAddress(domain: a, kind: .zohoUser, identity: "alice"),
                              after: ResourceState(["display_name": .string("Alice Smith"), "password": .string("env:ZOHO_INITIAL_PASSWORD")]))
        let q = "quiet.org"
        let quiet = RecordDiff.diff(zone: q, desired: [TargetRecord(Fixtures.rec(q, .MX, "mx.zoho.com", prio: 10))],
                                    observed: [Fixtures.rec(q, .MX, "mx.zoho.com", prio: 10), Fixtures.rec("blog.\(q)", .CNAME, "ghost.io")],
                                    owned: [])
        return try Plan(actions: diff.actions + [mg, verify, user],
                        domains: [diff.summary(role: .active), quiet.summary(role: .active),
                                  DomainSummary(domain: "brand-send.net", blocked: "not in account: register it first")],
                        fingerprint: PlanFingerprint(inventory: PlanFingerprint.hash(Data("inventory".utf8)),
                                                     observed: ["\(a)/zone/": PlanFingerprint.hash(Data("zone".utf8))]))
    }

    @Test func textGolden() throws {
        try golden("plan.txt", TextRenderer().render(try Self.samplePlan()))
    }

    @Test func textColourOnlyWhenAsked() throws {
        let plan = try Self.samplePlan()
        #expect(!TextRenderer().render(plan).contains("\u{1B}["))
        let coloured = TextRenderer(colour: true).render(plan)
        #expect(coloured.contains("\u{1B}[32m+ mailgun domain\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[31m- CNAME old mailgun.org ttl 3600\u{1B}[0m"))
    }

    @Test func markdownGolden() throws {
        try golden("plan.md", MarkdownRenderer().render(try Self.samplePlan()))
    }

    /// Deletions and safety-threshold breaches come before the table, where a reviewer starts reading.
    @Test func markdownCallsOutDestructiveChangesFirst() throws {
        let plan = try Self.samplePlan()
        let md = MarkdownRenderer(safety: SafetyPolicy(maxRewriteFraction: 0.1)).render(plan)
        let callout = try #require(md.range(of: "**⚠️ Destructive: 1 deletion in 1 domain.**\n\n- `acme-mail.com`: `- CNAME old mailgun.org ttl 3600`\n"), "\(md)")
        let table = try #require(md.range(of: "| Domain |"))
        #expect(callout.lowerBound < table.lowerBound)
        #expect(md.contains("**⚠️ Over the inventory's `safety` thresholds:** `--apply` refuses this plan without `--allow-destructive`.\n\n- acme-mail.com: 3 of "), "\(md)")
        #expect(md.contains("<summary>⚠️ <code>acme-mail.com</code>"))
        // Thresholds the plan keeps: only the deletion is called out.
        #expect(!MarkdownRenderer(safety: SafetyPolicy(maxRewriteFraction: 0.9)).render(plan).contains("safety"))
        // A plan that deletes nothing has no callout.
        let fresh = RecordDiff.diff(zone: "new.example", desired: Fixtures.mailRecords("new.example").map(TargetRecord.init), observed: [], owned: [])
        let creates = try Plan(actions: fresh.actions, domains: [fresh.summary(role: .active)], fingerprint: Fixtures.fingerprint())
        #expect(!MarkdownRenderer(safety: SafetyPolicy()).render(creates).contains("⚠️ Destructive"))
    }

    @Test func jsonGolden() throws {
        try golden("plan.json", try JSONRenderer().render(try Self.samplePlan()))
    }

    @Test func noChanges() throws {
        let plan = try Plan(actions: [], domains: [DomainSummary(domain: "a.com")], fingerprint: Fixtures.fingerprint())
        #expect(TextRenderer().render(plan) == "No changes. The fleet matches the inventory.\n")
        #expect(MarkdownRenderer().render(plan) == "## reconcile plan\n\n**No changes.** The fleet matches the inventory.\n")
        // A scoped plan (a pull request's) vouches only for what it read.
        let scoped = try Plan(actions: [], domains: [DomainSummary(domain: "a.com"), DomainSummary(domain: "b.com", notRead: true)],
                              fingerprint: Fixtures.fingerprint())
        #expect(MarkdownRenderer().render(scoped)
                == "## reconcile plan\n\n**No changes** in the domains read.\n\n1 domain not read (outside this plan's scope).\n")
        #expect(TextRenderer().render(scoped)
                == "Not read (outside this plan's scope: --domain, --group or --changed-since): 1 domain.\nNo changes in the domains read.\n")
    }

    @Test func markdownStaysUnderTheCommentLimitForHugeFleets() throws {
        var actions: [PlanAction] = [], domains: [DomainSummary] = []
        for i in 0..<6000 {
            let d = "domain-\(i).example"
            let diff = RecordDiff.diff(zone: d, desired: Fixtures.mailRecords(d).map(TargetRecord.init), observed: [], owned: [])
            actions += diff.actions
            domains.append(diff.summary(role: .active))
        }
        let plan = try Plan(actions: actions, domains: domains, fingerprint: Fixtures.fingerprint())
        let md = MarkdownRenderer().render(plan)
        #expect(md.utf8.count < 65_000)
        #expect(md.hasPrefix("## reconcile plan\n\n**36000 to create, 0 to update, 0 to delete, 0 to verify, 0 waiting** in 6000 domains.\n"))
        #expect(md.contains("| Domain | Create |"))
        #expect(md.contains("more domains |"))
        #expect(md.contains("> **Truncated:**"))
        // Every section that is shown is complete (opened and closed).
        #expect(md.components(separatedBy: "<details>").count == md.components(separatedBy: "</details>").count)
        #expect(md.components(separatedBy: "<details>").count > 10)

        // A small plan is never truncated.
        let small = MarkdownRenderer().render(try RenderTests.samplePlan())
        #expect(!small.contains("Truncated"))
        // A tighter limit is honoured too.
        #expect(MarkdownRenderer(limit: 5000).render(plan).utf8.count < 5000)
    }
}
