import Foundation
import Testing

@Suite struct ValidateCommandTests {
    static let fixtures = CLIRunner.repositoryRoot + "/Tests/InventoryTests/Fixtures"

    @Test func summaryOfTheFullFixtureMatchesGolden() throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", "full"], cwd: Self.fixtures + "/valid")
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(r.stdout == """
        inventory OK: 3 files, 6 accounts, 2 groups, 3 domains, 7 mailboxes
        groups:
          a-team  pool mailgun-us (us)  1 domain  4 mailboxes  250/h  120/day per mailbox
          b-team  pool mailgun-eu (eu)  2 domains  3 mailboxes  100/h  80/day per mailbox
        by role:      active 1 domain / 2 mailboxes, spare 1 domain / 1 mailbox, retired 1 domain / 4 mailboxes
        by registrar: porkbun 1 domain / 2 mailboxes, namecheap 2 domains / 5 mailboxes
        by region:    us 1 domain / 4 mailboxes, eu 2 domains / 3 mailboxes
        by inbound:   zoho 2 domains / 5 mailboxes, mailgun-routing 1 domain / 2 mailboxes
        warmup schedules: slow
        desired state: 23 DNS records (4 known after apply), 2 Mailgun domains, 3 SMTP credentials, 14 webhooks, 2 routes, 1 Zoho domain, 1 Zoho user
        warnings: 6
          full/empty.yaml:1:1: file: empty file
          full/fleet.yaml:17:5: defaults.dmarc: DMARC reports go to dmarc.example.org but it is not a zone of this inventory: receivers drop them unless it publishes acme-spare.eu._report._dmarc.dmarc.example.org TXT "v=DMARC1" for each of the 2 domains, or one *._report._dmarc.dmarc.example.org (RFC 7489 7.1)
          full/fleet.yaml:17:5: defaults.dmarc: DMARC reports go to reports.acme-ops.com but it is not a zone of this inventory: receivers drop them unless it publishes acme-spare.eu._report._dmarc.reports.acme-ops.com TXT "v=DMARC1" for each of the 2 domains, or one *._report._dmarc.reports.acme-ops.com (RFC 7489 7.1)
          full/fleet.yaml:36:7: warmup.slow[2].daily: cap 200 is above limits.mailbox.daily_max 120, which wins
          full/groups.yaml:30:20: groups[1].domains[0].mailboxes: 4 mailboxes on one domain: 1–3 is the normal case, more raises the risk for the domain
          full/notes.yml:1:1: file: ignored: inventory files end in .yaml

        """)
    }

    @Test func compileErrorsFailValidationWithLoadWarningsKept() throws {
        // valid/minimal loads, but the compiler needs monitoring.public_base_url for Mailgun webhooks.
        let r = try CLIRunner.reconcile(["validate", "--inventory", "minimal"], cwd: Self.fixtures + "/valid")
        #expect(r.status == 1)
        #expect(r.stdout == "")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "minimal/fleet.yaml:1:1: monitoring.public_base_url: Mailgun webhooks need monitoring.public_base_url: bounces and complaints arrive there and drive suppression")
        #expect(lines.last == "1 error")
    }

    @Test func repositoryInventoryValidates() throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", "inventory"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("inventory OK: 3 files, 5 accounts, 2 groups, 6 domains, 10 mailboxes\n"))
        // Its DMARC reports go to reports.acme-ops.com, a domain it does not manage (RFC 7489 7.1).
        #expect(r.stdout.contains("warnings: 1\n  inventory/fleet.yaml:49:5: defaults.dmarc: DMARC reports go to reports.acme-ops.com "
                                  + "but it is not a zone of this inventory: receivers drop them unless it publishes "
                                  + "acme-mail.com._report._dmarc.reports.acme-ops.com TXT \"v=DMARC1\" for each of the 6 domains, "
                                  + "or one *._report._dmarc.reports.acme-ops.com (RFC 7489 7.1)\n"), "\(r.stdout)")
        #expect(r.stdout.contains("desired state: 46 DNS records (16 known after apply), 6 Mailgun domains, 10 SMTP credentials"))
    }

    @Test func defaultInventoryDirectoryIsInventory() throws {
        let r = try CLIRunner.reconcile(["validate"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("inventory OK: 3 files"))
    }

    @Test func errorsGoToStderrSortedWithExitOne() throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", "several-errors-sorted"], cwd: Self.fixtures + "/malformed")
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(r.stderr == """
        several-errors-sorted/groups/g1.yaml:2:7: pool: unknown account 'mailgun-eu' (did you mean 'mailgun-us'?)
        several-errors-sorted/groups/g1.yaml:6:11: domains[0].role: unknown role 'retried': expected 'active', 'spare' or 'retired' (did you mean 'retired'?)
        several-errors-sorted/groups/g1.yaml:7:24: domains[0].mailboxes[1]: invalid mailbox 'bad address': may only contain letters, digits and . _ + -
        several-errors-sorted/groups/g1.yaml:8:11: domains[1].name: invalid domain name 'acme-mail': needs at least two labels (e.g. acme-mail.com)
        4 errors

        """)
    }

    @Test(arguments: ["alias-bomb", "binary-garbage", "deep-nesting", "invalid-utf8", "syntax-tab-indent", "no-yaml-files"])
    func hostileInputExitsOneWithALocatedError(_ fixture: String) throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", fixture], cwd: Self.fixtures + "/malformed")
        #expect(r.status == 1)
        let first = try #require(r.stderr.split(separator: "\n").first)
        #expect(first.hasPrefix(fixture + "/") || first.hasPrefix(fixture + ":1:1:"))
        #expect(first.split(separator: ":").count >= 4)
    }

    @Test func jsonReportOnSuccess() throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", "inventory", "--format", "json"])
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["ok"] as? Bool == true)
        let summary = try #require(obj["summary"] as? [String: Any])
        #expect(summary["domains"] as? Int == 6)
        #expect(summary["mailboxes"] as? Int == 10)
        #expect((summary["groups"] as? [Any])?.count == 2)
        #expect((obj["errors"] as? [Any])?.isEmpty == true)
        let compiled = try #require(obj["compiled"] as? [String: Any])
        #expect(compiled["records"] as? Int == 46)
        #expect(compiled["zohoUsers"] as? Int == 9)
    }

    @Test func jsonReportOnErrors() throws {
        let r = try CLIRunner.reconcile(["validate", "--inventory", "unknown-domain-key", "--format", "json"], cwd: Self.fixtures + "/malformed")
        #expect(r.status == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["ok"] as? Bool == false)
        let errors = try #require(obj["errors"] as? [[String: Any]])
        #expect(errors.map { "\($0["file"]!):\($0["line"]!):\($0["column"]!) \($0["path"]!)" } == [
            "unknown-domain-key/groups/g1.yaml:4:5 domains[0].registrar",
            "unknown-domain-key/groups/g1.yaml:5:5 domains[0].registar",
        ])
        #expect(errors[1]["message"] as? String == "unknown key 'registar' (did you mean 'registrar'?)")
    }

    @Test func badFormatIsAUsageError() throws {
        let r = try CLIRunner.reconcile(["validate", "--format", "xml"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("xml"))
    }
}
