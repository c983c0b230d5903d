import Testing
import Inventory

@Suite struct ValidInventoryTests {
    @Test func minimalFixtureLoadsWithDefaults() throws {
        let outcome = Fixtures.load("valid/minimal")
        #expect(outcome.errors == [])
        #expect(outcome.warnings == [])
        let inv = try #require(outcome.result?.inventory)
        #expect(inv.files.map { $0.hasSuffix("fleet.yaml") || $0.hasSuffix("groups/g1.yaml") } == [true, true])
        #expect(inv.accounts.keys.sorted() == ["mailgun-us", "namecheap", "porkbun", "zoho"])
        #expect(inv.accounts["namecheap"]?.namecheap?.username == "ops")  // defaults to api_user
        #expect(inv.accounts["porkbun"]?.porkbun?.apiKey == SecretRef(env: "PB_KEY"))
        #expect(inv.defaults.ttl == 3600)
        #expect(inv.defaults.inbound == .zoho(account: "zoho"))
        #expect(inv.limits.mailbox == MailboxLimits() && inv.limits.group == GroupLimits() && inv.limits.health == HealthThresholds())
        #expect(inv.limits.window == nil)
        // Sections nobody wrote are located at the top of the first fleet file.
        #expect(inv.limits.location.file.hasSuffix("valid/minimal/fleet.yaml") && inv.limits.location.line == 1)
        #expect(inv.monitoring.location == inv.limits.location)
        // Probes: an alert after 3 failures in a row, 3 fresh logins a round, Zoho's own hosts.
        #expect(inv.monitoring.probeAlertAfter == 3 && inv.monitoring.probeLoginsPerRound == 3)
        #expect(inv.accounts["zoho"]?.zoho?.smtpURL == "smtps://smtppro.zoho.com:465")
        #expect(inv.monitoring.dnsCheckInterval == .minutes(10))
        let d = try #require(inv.domain(named: "ACME-mail.com"))
        #expect(d.group == "g1")
        #expect(d.role == .active)
        #expect(d.mailboxes.map(\.local) == ["alice", "bob"])
        #expect(d.location.line == 4 && d.location.column == 11)
        #expect(inv.mailboxes.map(\.address) == ["alice@acme-mail.com", "bob@acme-mail.com"])
        // standard: 7 days at 10, then 50 from 2026-11-09.
        let started = CalendarDate(year: 2026, month: 11, day: 2)!
        #expect(inv.dailyCap(forMailboxOf: d, on: started.adding(days: -1)) == 0)
        #expect(inv.dailyCap(forMailboxOf: d, on: started) == 10)
        #expect(inv.dailyCap(forMailboxOf: d, on: started.adding(days: 6)) == 10)
        #expect(inv.dailyCap(forMailboxOf: d, on: started.adding(days: 7)) == 50)
        #expect(inv.dailyCap(forMailboxOf: d, on: started.adding(days: 400)) == 50)
    }

    @Test func fullFixtureMergesFilesAnchorsAndOverrides() throws {
        let outcome = Fixtures.load("valid/full")
        #expect(outcome.errors == [])
        #expect(outcome.warnings == [
            "empty.yaml:1:1: file: empty file",
            "fleet.yaml:36:7: warmup.slow[2].daily: cap 200 is above limits.mailbox.daily_max 120, which wins",
            "groups.yaml:30:20: groups[1].domains[0].mailboxes: 4 mailboxes on one domain: 1–3 is the normal case, more raises the risk for the domain",
            "notes.yml:1:1: file: ignored: inventory files end in .yaml",
        ])
        let inv = try #require(outcome.result?.inventory)
        // .hidden/broken.yaml is skipped, notes.yml ignored.
        #expect(inv.files.count == 3)
        #expect(inv.groups.map(\.name) == ["a-team", "b-team"])
        #expect(inv.accounts["porkbun"]?.endpoint == "http://127.0.0.1:8081")
        #expect(inv.accounts["nc"]?.namecheap?.username == "ops-admin")
        #expect(inv.accounts["zoho-com"]?.zoho?.orgID == "111")
        #expect(inv.accounts["zoho-eu"]?.zoho?.region == .comAU)
        #expect(inv.accounts["mailgun-us"].map { inv.smtpPasswordSecret(forPool: $0) } == SecretRef(env: "MG_US_SMTP"))
        #expect(inv.accounts["mailgun-eu"].map { inv.smtpPasswordSecret(forPool: $0) } == SecretRef(env: "SMTP_MASTER"))

        let dm = inv.defaults.dmarc
        #expect(dm.policy == .quarantine && dm.subdomainPolicy == .reject && dm.pct == 50)
        #expect(dm.rua == ["mailto:dmarc@reports.acme-ops.com", "mailto:agg@dmarc.example.org"])
        #expect(dm.ruf == ["mailto:forensic@reports.acme-ops.com"])
        #expect(dm.adkim == .strict && dm.aspf == .strict)
        #expect(inv.defaults.spf.qualifier == .fail)
        #expect(inv.defaults.spf.includes.map(\.domain) == ["spf.protection.outlook.com", "_spf.acme-crm.com"])
        #expect(inv.defaults.spf.includes.map(\.lookups) == [nil, 2])
        #expect(inv.defaults.tracking == TrackingPolicy(enabled: true, prefix: "trk"))
        #expect(inv.defaults.extraRecords.map(\.name) == ["@", "_acme-verify"])
        #expect(inv.defaults.extraRecords[1].ttl == 300)
        #expect(inv.alerts.telegram?.chatID == "-1001234567890")
        #expect(inv.monitoring.publicBaseURL == "https://hooks.acme-ops.com")
        #expect(inv.monitoring.probeInterval == .hours(2))
        #expect(inv.monitoring.probeAlertAfter == 5 && inv.monitoring.probeLoginsPerRound == 10)
        #expect(inv.accounts["zoho-com"]?.zoho?.smtpURL == "smtp://127.0.0.1:2587")
        #expect(inv.accounts["zoho-com"]?.zoho?.smtpCAFile == "certs/zoho-smtp.pem")
        #expect(inv.limits.window?.days == [.mon, .wed, .fri])
        #expect(inv.limits.window?.hoursDescription == "08:30-18:00")
        #expect(inv.limits.health.complaintRate == Percentage(percent: 0.1))

        // Group overrides ∘ fleet limits.
        let b = try #require(inv.group(named: "b-team"))
        let eff = inv.effectiveLimits(for: b)
        #expect(eff.mailbox.dailyMax == 80)
        #expect(eff.mailbox.interval == TimeSpanRange(min: .seconds(60), max: .seconds(90)))
        #expect(eff.group.hourly == 100)
        #expect(eff.group.pause == TimeSpanRange(min: .seconds(40), max: .seconds(50)))
        #expect(eff.window?.timeZone == "UTC" && eff.window?.recipientLocal == true)
        #expect(eff.health == inv.limits.health)
        let a = try #require(inv.group(named: "a-team"))
        #expect(inv.effectiveLimits(for: a).group.pause == TimeSpanRange(min: .seconds(20), max: .seconds(20)))

        // Merge keys supply registrar and warmup; explicit keys win.
        let team = try #require(inv.domain(named: "acme-team.eu"))
        #expect(team.registrar == "porkbun")
        #expect(team.warmup?.schedule == "slow")
        #expect(team.mailboxes.map(\.local) == ["alice", "bob.smith"])
        #expect(team.mailboxes[1].displayName == "Bob Smith")
        #expect(inv.effectiveInbound(for: team) == .mailgunRouting(forwardTo: "replies@acme-ops.com"))
        let spare = try #require(inv.domain(named: "acme-spare.eu"))
        #expect(spare.registrar == "nc" && spare.role == .spare)
        #expect(inv.effectiveInbound(for: spare) == .zoho(account: "zoho-com"))
        #expect(spare.extraRecords.map(\.priority) == [nil, 20])
        #expect(inv.effectiveExtraRecords(for: spare).count == 4)
        #expect(inv.dailyCap(forMailboxOf: spare, on: CalendarDate(year: 2027, month: 1, day: 1)!) == 0)
        let retired = try #require(inv.domain(named: "acme-retired.com"))
        #expect(inv.effectiveInbound(for: retired) == .zoho(account: "zoho-eu"))
        #expect(inv.pool(for: retired)?.mailgun?.region == .us)
    }

    @Test func repositoryExampleInventoryIsValid() throws {
        let r = try InventoryLoader().load(directory: Fixtures.repositoryInventory)
        #expect(r.warnings == [])
        let s = InventorySummary(r.inventory)
        #expect(s.groups.count == 2)
        #expect(s.domains == 6)
        #expect(Set(s.byRegistrar.keys) == ["porkbun", "namecheap"])
        #expect(Set(s.byRegion.keys) == ["us", "eu"])
        #expect(Set(s.byInbound.keys) == ["zoho", "mailgun-routing"])
        #expect(s.byRole["spare"]?.domains == 1)
    }

    @Test func filesAreMergedInPathOrderWhateverTheListing() throws {
        // The same two files given in either order give the same diagnostics order.
        let a = ("a.yaml", "defaults: { ttl: 600 }\n")
        let b = ("b.yaml", "defaults: { ttl: 300 }\n")
        for files in [[a, b], [b, a]] {
            #expect(throws: InventoryError.self) { try InventoryLoader().load(files: files.map { (file: $0.0, text: $0.1) }) }
        }
    }
}
