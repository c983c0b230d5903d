import Foundation
import Inventory
import Sender
import Testing

@Suite struct InventoryFleetTests {
    @Test func adaptsTheInventoryToTheSendersInput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("groups"), withIntermediateDirectories: true)
        try """
            accounts:
              porkbun: { api_key: env:PORKBUN_API_KEY, secret_key: env:PORKBUN_SECRET_KEY }
              mailgun-eu: { kind: mailgun, region: eu, api_key: env:MAILGUN_EU_API_KEY }
              zoho: { region: com, client_id: env:ZOHO_CLIENT_ID, client_secret: env:ZOHO_CLIENT_SECRET, refresh_token: env:ZOHO_REFRESH_TOKEN, org_id: "1" }
            defaults:
              ttl: 3600
              smtp_password_secret: env:SMTP_MASTER_SECRET
            warmup:
              standard:
                - { days: 7, daily: 10 }
                - { daily: 150 }
            limits:
              mailbox: { daily_max: 120, interval: 30s-60s }
              group: { hourly: 300, pause: 30s-45s }
              window: { hours: "09:00-17:00", days: [mon, tue, wed, thu, fri], timezone: America/New_York, recipient_local: true }
              disable_bounce_rate: 10%
              bounce_min_sample: 50
              complaint_rate: 0.3%
            monitoring:
              public_base_url: https://hooks.acme-ops.com
              unsubscribe_secret: env:UNSUBSCRIBE_SECRET
            """.write(to: dir.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        try """
            group: g1
            pool: mailgun-eu
            limits: { hourly: 200, pause: 20s-40s }
            domains:
              - name: acme-mail.com
                registrar: porkbun
                warmup: { schedule: standard, started: 2026-11-01 }
                mailboxes:
                  - { local: alice, display_name: "Alice Doe" }
              - name: acme-spare.net
                registrar: porkbun
                role: spare
                mailboxes: [dave]
            """.write(to: dir.appendingPathComponent("groups/g1.yaml"), atomically: true, encoding: .utf8)
        let fleet = try SendingFleet.load(inventoryDirectory: dir.path)
        #expect(fleet.groups.count == 1)
        let g = fleet.groups[0]
        #expect(g.name == "g1" && g.hourlyCap == 200 && g.pause == SecondsRange(20, 40))
        #expect(g.smtp?.url == "smtp://smtp.eu.mailgun.org:587")
        #expect(g.window == WeeklyWindow(startMinute: 540, endMinute: 1020, weekdays: [2, 3, 4, 5, 6]))
        #expect(g.windowTimeZone == "America/New_York")
        #expect(g.mailgun == MailgunAPI(baseURL: "https://api.eu.mailgun.net", apiKey: "env:MAILGUN_EU_API_KEY"))
        let alice = try #require(fleet.mailbox("alice@acme-mail.com"))
        #expect(alice.displayName == "Alice Doe" && alice.role == .active && alice.dailyMax == 120)
        #expect(alice.interval == SecondsRange(30, 60))
        #expect(alice.warmup == [Warmup.Stage(days: 7, daily: 10), Warmup.Stage(days: nil, daily: 150)])
        #expect(alice.warmupStarted == "2026-11-01")
        #expect(alice.smtpUsername == "alice@acme-mail.com" && alice.smtpPassword == "env:SMTP_MASTER_SECRET")
        // The reference is the Mailgun master secret: the login password is derived from it.
        #expect(alice.smtpPasswordDerivation == 1)
        #expect(fleet.mailbox("dave@acme-spare.net")?.role == .spare)
        #expect(fleet.thresholds.disableBounceRate == 0.10 && fleet.thresholds.minimumSample == 50)
        #expect(fleet.unsubscribe == UnsubscribeSettings(baseURL: "https://hooks.acme-ops.com/u", secret: "env:UNSUBSCRIBE_SECRET"))
    }

    @Test func smtpEndpointReplacesTheRegionsHostAndItsCAFileIsReadBesideTheInventory() throws {
        let files = ExampleFleetGenerator(domains: 8).files().map { f -> (file: String, text: String) in
            guard f.file == "fleet.yaml" else { return f }
            let text = f.text.replacingOccurrences(of: "mailgun-us: { kind: mailgun, region: us,",
                                                   with: "mailgun-us: { kind: mailgun, region: us, smtp_endpoint: \"smtp://127.0.0.1:2525\", smtp_ca_file: certs/ca.pem,")
                .replacingOccurrences(of: "recipient_local: true", with: "recipient_local: false")
            return (f.file, text)
        }
        let inventory = try InventoryLoader().load(files: files).inventory
        let fleet = SendingFleet(inventory: inventory, directory: "/srv/fleet/inventory")
        let us = try #require(fleet.group(named: "g1")), eu = try #require(fleet.group(named: "g3"))
        #expect(us.smtp == SMTPEndpoint(url: "smtp://127.0.0.1:2525", caInfo: "/srv/fleet/inventory/certs/ca.pem"))
        #expect(eu.smtp == SMTPEndpoint(url: "smtp://smtp.eu.mailgun.org:587"))
        #expect(us.windowRecipientLocal == false)
    }

    @Test func recipientLocalFalseReadsTheWindowInTheGroupsZoneForEveryone() async throws {
        // 09:00-17:00 Mon-Fri in Berlin (08:00-16:00 UTC in March); the recipients live in Los Angeles.
        let window = WeeklyWindow(startMinute: 540, endMinute: 1020, weekdays: [2, 3, 4, 5, 6])
        var groupZone = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")], window: window, defaultTimeZone: "Europe/Berlin")
        groupZone.recipientLocal = false
        let local = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")], window: window, defaultTimeZone: "Europe/Berlin")
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 30, pause: SecondsRange(30, 45))
        func sendHoursUTC(_ c: Campaign) async throws -> Set<Int> {
            let r = try await Simulator.run(fleet: fleet, hours: 24, seed: 3, start: monday,
                                            outbox: [(c, "g1", recipients(2_000, zone: "America/Los_Angeles"))])
            #expect(r.violations.isEmpty, "\(r.violations.prefix(3))")
            #expect(r.total > 0)
            return Set(r.sends.map { Int(($0.at - monday) / 3600) })
        }
        #expect(try await sendHoursUTC(groupZone).isSubset(of: Set(8..<16)))
        // Recipient-local (the default): the same window in Los Angeles, 17:00-01:00 UTC.
        #expect(try await sendHoursUTC(local).isSubset(of: Set(17..<25)))
    }
}
