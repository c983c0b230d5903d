import Foundation
import Testing

/// `reconcile cost` as an operator runs it: the real binary, the example
/// inventory, prices from the sandbox's registrar emulators.
@Suite struct CostCommandTests {
    /// A copy of the repository's example inventory in a fresh directory (the sandbox keeps its world there).
    static func workspace() throws -> String {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        return dir
    }

    static func append(_ text: String, to file: String) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try h.seekToEnd()
        try h.write(contentsOf: Data(text.utf8))
        try h.close()
    }

    @Test func exampleInventoryPrintsAMonthlyTotalWithItsParts() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let head = try #require(lines.first)
        #expect(head.hasPrefix("cost: $") && head.contains("/month, $") && head.contains("plan prices as of 2025-12-01 (built-in defaults"))
        // Each group with its three parts; renewals priced by the sandbox registrars (Porkbun .com 11.08, .io 46.48; Namecheap .net 17.98).
        #expect(lines.contains("group us-outreach: $46.30/month, $555.54/year"), "\(r.stdout)")
        #expect(lines.contains("  renewals  3 domains: $6.30/month ($75.54/year)"))
        #expect(lines.contains { $0.hasPrefix("  mailgun   ") && $0.hasSuffix("share of mailgun-us: $35.00/month") })
        #expect(lines.contains("  zoho      5 mailboxes: $5.00/month"))
        #expect(lines.contains("  zoho      4 mailboxes: $4.00/month"))   // lena's domain routes replies through Mailgun: no Zoho mailbox
        #expect(lines.contains { $0.hasPrefix("mailgun mailgun-eu: plan foundation $35.00/month for 50,000 emails; planned ") })
        #expect(lines.contains("zoho zoho: plan mail-lite, 9 mailboxes of 1000 allowed: $9.00/month"))
        #expect(!r.stdout.contains("warning:"))
        // The total is the sum of the groups.
        #expect(head.hasPrefix("cost: $87.44/month, $1,049.27/year"), "\(head)")

        // The same as JSON, every amount in cents.
        let j = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox", "--format", "json"], cwd: dir)
        #expect(j.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(json["monthly_cents"] as? Int == 8744)
        #expect(json["yearly_cents"] as? Int == 104_927)
        let report = try #require(json["report"] as? [String: Any])
        #expect(report["prices_as_of"] as? String == "2025-12-01")
        let groups = try #require(report["groups"] as? [[String: Any]])
        #expect(groups.map { $0["name"] as? String } == ["eu-outreach", "us-outreach"])
        #expect(groups.map { $0["monthly"] as? Int } == [4114, 4630])
        #expect((report["warnings"] as? [Any])?.isEmpty == true)
    }

    @Test func aQuotaOrBudgetThatDoesNotFitIsAWarningAndExit2() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.append("""

            costs:
              prices_as_of: 2026-12-01
              mailgun_plans:
                - { name: tiny, monthly_usd: 5, emails_per_month: 1000 }
              zoho: { plan: mail-lite, per_mailbox_monthly_usd: 1, max_mailboxes: 8 }
              budget_monthly: 20
              renewal_overrides: { io: 30 }

            """, to: dir + "/inventory/fleet.yaml")
        let r = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox"], cwd: dir)
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        let warnings = r.stdout.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.contains { $0.hasPrefix("warning: mailgun-us: planned ") && $0.hasSuffix("emails/month is above the largest plan 'tiny' (1,000/month): overage is not in the totals") })
        #expect(warnings.contains { $0.hasPrefix("warning: mailgun-eu: planned ") })
        #expect(warnings.contains("warning: zoho: 9 mailboxes, more than the 8 the Zoho plan 'mail-lite' allows"))
        #expect(warnings.contains { $0.hasPrefix("warning: the total $") && $0.contains("/month is above costs.budget_monthly $20.00 by $") })
        #expect(r.stdout.contains("(costs:)"))
        // The override wins over the API: getacme.io renews at 30.00, not Porkbun's 46.48.
        #expect(r.stdout.contains("  renewals  3 domains: $4.92/month ($59.06/year)"), "\(r.stdout)")

        let md = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox", "--format", "markdown"], cwd: dir)
        #expect(md.status == 2)
        #expect(md.stdout.hasPrefix("### Cost: $"))
        #expect(md.stdout.contains("> ⚠️ mailgun-us: planned "))
        #expect(md.stdout.contains("| us-outreach | 3 |"))
    }

    @Test func aBadCostsValueIsALocatedError() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let before = try String(contentsOfFile: dir + "/inventory/fleet.yaml", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
        try Self.append("costs:\n  budget_monthly: lots\n", to: dir + "/inventory/fleet.yaml")
        let r = try await CLIRunner.runAsync(CLIRunner.binary, ["cost"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("inventory/fleet.yaml:\(before + 1):19: costs.budget_monthly: 'lots' is not an amount in USD"), "\(r.stderr)")
    }

    @Test func aPullRequestShowsItsCostDeltaAgainstTheBase() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let git = ["-c", "user.name=test", "-c", "user.email=test@example.org"]
        for args in [["init", "-q"], ["add", "inventory"], git + ["commit", "-q", "-m", "base"]] {
            let g = try await CLIRunner.runAsync("/usr/bin/git", args, cwd: dir)
            #expect(g.status == 0, "\(g.stderr)")
        }
        // The pull request: two more Porkbun .com domains with two mailboxes each in us-outreach.
        try Self.append("""

              - name: acme-mail2.com
                registrar: porkbun
                mailboxes: [fay, gus]

              - name: acme-mail3.com
                registrar: porkbun
                mailboxes: [hal, ivy]

            """, to: dir + "/inventory/groups/us-outreach.yaml")
        let r = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox", "--format", "markdown", "--base", "HEAD"], cwd: dir)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        // 2 × 11.08/year renewals, 4 mailboxes at $1; more volume but still within foundation.
        #expect(r.stdout.contains("**Against `HEAD`: +$5.84/month, +$70.16/year, +2 domains.**"), "\(r.stdout)")
        #expect(r.stdout.contains("| us-outreach | +2 | +$5.84 | +$70.16 |"))
        // `--changed-since`, as --plan spells it, is the same option.
        let same = try await CLIRunner.runAsync(CLIRunner.binary, ["cost", "--sandbox", "--changed-since", "HEAD"], cwd: dir)
        #expect(same.status == 0)
        #expect(same.stdout.contains("against HEAD: +$5.84/month, +$70.16/year, +2 domains\n"), "\(same.stdout)")
    }
}
