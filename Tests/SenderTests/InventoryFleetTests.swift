import Foundation
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
}
