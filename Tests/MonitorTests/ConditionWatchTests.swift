import Foundation
import Monitor
import Providers
import Sandbox
import Sender
import Store
import Testing

/// "Webhook rejects spiking" from real refused HTTP requests, and "sender
/// stalled" from a real send engine against the Mailgun emulator, each on a
/// real state file: an open is queued once, a clear once, nothing while open.
@Suite(.serialized) struct ConditionWatchTests {
    static func changes(_ alerts: AlertStore, key: String) throws -> [String] {
        try alerts.all().filter { $0.key == key }.map { "\($0.kind.rawValue): \($0.text)" }
    }

    @Test func refusedWebhooksOverTheThresholdOpenTheConditionOnceAndItClearsOnceWhenTheRateFalls() async throws {
        try await MonitorHarness.with { h in
            let alerts = AlertStore(try StateStore(path: h.dir.appendingPathComponent("state.sqlite").path))
            let t0 = Date().timeIntervalSince1970
            let clock = VirtualClock(start: t0)
            let watch = ConditionWatch(store: alerts, counters: h.intake.counters, pulse: nil,
                                       settings: .init(rejectThreshold: 5, rejectWindow: 60), clock: clock)
            var history = ConditionWatch.RejectHistory(start: t0)
            func forged(_ n: Int) async throws {
                for _ in 0..<n {
                    let r = try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(MonitorHarness.event("delivered"), key: "forged"))
                    #expect(r.status == 406)
                }
            }
            try await forged(3)
            clock.advance(by: 1)
            #expect(watch.check(&history).isEmpty)
            try await forged(2)
            clock.advance(by: 1)
            #expect(watch.check(&history).map(\.isOpen) == [true])
            // Still spiking: nothing new is queued while it is open.
            try await forged(10)
            clock.advance(by: 1)
            #expect(watch.check(&history).isEmpty)
            // Accepted webhooks are no rejects.
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(MonitorHarness.event("delivered"))).status == 200)
            clock.advance(by: 70)
            #expect(watch.check(&history).map(\.isOpen) == [false])
            clock.advance(by: 1)
            #expect(watch.check(&history).isEmpty)
            let queued = try Self.changes(alerts, key: AlertConditions.webhookRejectsKey)
            #expect(queued.count == 2, "\(queued)")
            #expect(queued.first?.hasPrefix("open: webhook rejects spiking: 5 refused in the last 60 s") == true, "\(queued)")
            #expect(queued.last?.hasPrefix("clear:") == true)

            // A restarted watch (counters from zero) does not clear a spike before it has watched a whole window.
            try alerts.apply(.open(key: AlertConditions.webhookRejectsKey, summary: "still open"), at: clock.now())
            var restarted = ConditionWatch.RejectHistory(start: clock.now(), total: h.intake.counters.snapshot.totalRejected)
            clock.advance(by: 30)
            #expect(watch.check(&restarted).isEmpty)
            clock.advance(by: 31)
            #expect(watch.check(&restarted).map(\.isOpen) == [false])
        }
    }

    @Test func aSenderThatKeepsFailingOrStopsTurningOpensSenderStalledAndASendClearsIt() async throws {
        let dir = try temporaryDirectory("stall")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
        let store = SQLiteSendingStore(state), alerts = AlertStore(state)
        let apiKey = "key-stall-test-000000000000000000000"
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: apiKey, signingKey: "sign",
                                                  faults: FaultProfile(serverError: 1))
        do {
            emu.faults.setEnabled(false)
            let mg = MailgunClient(region: .us, apiKey: apiKey, endpoint: emu.url, retry: .none)
            _ = try await mg.createDomain(MailgunDomainSpec(name: "g1-d1.example", dkimKeySize: 1024))
            await dns.publish(zone: "g1-d1.example", records: try await mg.requiredRecords("g1-d1.example").sending)
            _ = try await mg.requireVerified("g1-d1.example")
            let fleet = SendingFleet(groups: [SendingGroup(name: "g1", hourlyCap: 10_000, pause: SecondsRange(0, 0))],
                                     mailboxes: [SendingMailbox(address: "sender1@g1-d1.example", group: "g1", dailyMax: 1000,
                                                                interval: SecondsRange(30, 30))],
                                     unsubscribe: UnsubscribeSettings(baseURL: "https://hooks.example.org/u", secret: "env:TEST_UNSUB"))
            let env = ["MG": apiKey, "TEST_UNSUB": "unsub-secret"]
            let t0 = Date().timeIntervalSince1970
            let clock = VirtualClock(start: t0)
            func enqueue(_ prefix: String, _ n: Int) throws {
                _ = try store.enqueue(campaign: Campaign(id: prefix, steps: [CampaignStep(subject: "Hi", text: "Hello")]).record(group: "g1"),
                                      recipients: (0..<n).map { Enrollment(email: "\(prefix)\($0)@example.net", timeZone: nil, variables: [:]) },
                                      now: clock.now() - 1)
            }
            try enqueue("a", 10)
            let engine = try SendEngine(fleet: fleet, store: store,
                                        transport: MailgunHTTPTransport(baseURL: emu.url.absoluteString, apiKey: "env:MG", environment: env),
                                        clock: clock, random: SeededRandom(seed: 2), builder: try MessageBuilder.make(fleet: fleet, environment: env),
                                        maintenanceInterval: 5)
            let pulse = SenderPulse(start: t0)
            engine.pulse = pulse
            engine.maxSleep = 1
            let watch = ConditionWatch(store: alerts, counters: WebhookCounters(), pulse: pulse, settings: .init(stallAfter: 120), clock: clock)
            var history = ConditionWatch.RejectHistory(start: t0)

            // The relay answers every send with a 5xx for five minutes: mail is due, nothing gets through.
            emu.faults.setEnabled(true)
            try await engine.run(until: t0 + 100)
            #expect(watch.check(&history).isEmpty, "not yet: under two minutes of failures")
            try await engine.run(until: t0 + 300)
            #expect(try store.messages(state: .unknown).count >= 9)
            #expect(watch.check(&history).map(\.isOpen) == [true])
            #expect(watch.check(&history).isEmpty, "never repeated while open")

            // The relay recovers and new mail goes out: cleared, once.
            emu.faults.setEnabled(false)
            try enqueue("b", 2)
            try await engine.run(until: clock.now() + 40)
            #expect(try store.messages(state: .accepted).count >= 1)
            #expect(watch.check(&history).map(\.isOpen) == [false])
            #expect(watch.check(&history).isEmpty)

            // The loop stops turning (here: nobody runs it) for longer than allowed.
            clock.advance(by: 200)
            #expect(watch.check(&history).map(\.isOpen) == [true])
            let queued = try Self.changes(alerts, key: AlertConditions.senderStalledKey)
            #expect(queued.count == 3, "\(queued)")
            #expect(queued[0].hasPrefix("open: sender stalled: mail is due and nothing went out for "), "\(queued)")
            #expect(queued[0].contains("500") || queued[0].contains("502"), "\(queued)")
            #expect(queued[1] == "clear: sender running again")
            #expect(queued[2].hasPrefix("open: sender stalled: its loop has not run for "), "\(queued)")
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }
}

extension AlertChange {
    var isOpen: Bool { if case .open = self { true } else { false } }
}
