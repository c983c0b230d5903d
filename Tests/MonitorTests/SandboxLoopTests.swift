import Foundation
import Logging
import Monitor
import Providers
import Sandbox
import Sender
import ServiceLifecycle
import Store
import Testing

/// The loop in one process, every part real: the sender sends through
/// Mailgun's HTTP API to the emulator, the emulator POSTs signed webhooks
/// to `serve`'s routes, the webhooks disable a mailbox, and the merge of
/// Mailgun's suppression lists agrees with what the webhooks taught us.
@Suite(.serialized) struct SandboxLoopTests {
    static let apiKey = "key-loop-test-000000000000000000000"

    func withEmulator(_ body: (MailgunEmulator, MailgunClient) async throws -> Void) async throws {
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: Self.apiKey, signingKey: MonitorHarness.signingKey)
        do {
            let mg = MailgunClient(region: .us, apiKey: Self.apiKey, endpoint: emu.url, retry: .none)
            for d in ["g1-d1.example", "g1-d2.example"] {
                _ = try await mg.createDomain(MailgunDomainSpec(name: d, dkimKeySize: 1024))
                await dns.publish(zone: d, records: try await mg.requiredRecords(d).sending)
                _ = try await mg.requireVerified(d)
            }
            try await body(emu, mg)
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }

    @Test func sendsComeBackAsWebhooksAndAMailboxCrossingItsThresholdIsDisabled() async throws {
        try await MonitorHarness.with(minimumSample: 5) { h in
            try await withEmulator { emu, mg in
                // As apply registers them: at the public URL; here the server's own.
                for d in ["g1-d1.example", "g1-d2.example"] {
                    for t in [MailgunWebhookType.delivered, .permanentFail, .temporaryFail, .complained] {
                        _ = try await mg.createWebhook(d, type: t, urls: [h.base + "/webhooks/mailgun"])
                    }
                }
                let names = (0..<14).map { "ok\($0)" } + ["bounce1", "bounce2", "bounce3", "complain1", "defer1", "bounce4"]
                let campaign = Campaign(id: "loop", steps: [CampaignStep(subject: "Hi", text: "Hello")])
                _ = try h.store.enqueue(campaign: campaign.record(group: "g1"),
                                        recipients: names.map { Enrollment(email: "\($0)@example.net", timeZone: nil, variables: [:]) },
                                        now: Date().timeIntervalSince1970 - 1)
                let env = ["MG": Self.apiKey, "TEST_UNSUB": MonitorHarness.unsubscribeSecret]
                let transport = MailgunHTTPTransport(baseURL: emu.url.absoluteString, apiKey: "env:MG", environment: env)
                let sender = try SendService(fleet: h.fleet, store: h.store, transport: transport, exitWhenIdle: true, environment: env) { _ in }
                let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                try await ServiceGroup(configuration: ServiceGroupConfiguration(
                    services: [.init(service: sender, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quiet)).run()
                let sent = try h.store.messages(state: .accepted)
                #expect(sent.count + (try h.store.messages(state: .planned).count) == names.count)
                // Every webhook is answered 200 (the emulator stops retrying only then).
                let deadline = Date().addingTimeInterval(30)
                while emu.webhooks.counts.inFlight > 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
                let counts = emu.webhooks.counts
                #expect(counts.inFlight == 0 && counts.abandoned == 0, "\(counts)")
                let fb = try h.store.feedbackCounts()
                #expect(fb.total == counts.acknowledged)
                #expect(fb.unknownMessages == 0)
                let sentTo = Set(sent.map { $0.email.split(separator: "@")[0] })
                #expect(fb.byEvent["complained"] == (sentTo.contains("complain1") ? 1 : nil))
                let bounced = sentTo.filter { $0.hasPrefix("bounce") }
                #expect(try h.store.events(kind: .hardBounce).count == bounced.count)
                for b in bounced { #expect(try h.store.suppression(email: "\(b)@example.net")?.reason == "hard bounce") }
                if sentTo.contains("defer1") {
                    #expect(try h.store.events(kind: .softBounce).count == 1)
                    #expect(try h.store.suppression(email: "defer1@example.net") == nil)
                }
                // At least one mailbox crossed 10 % (or the complaint rate) and was disabled, once, with its alert event.
                let disabled = try h.store.mailboxHealth().values.filter { !$0.enabled }
                #expect(!disabled.isEmpty)
                #expect(try h.store.events(kind: .mailboxDisabled).count == disabled.count)

                // Mailgun's lists now hold the bounces: merging them adds nothing new to a store the webhooks already taught.
                let sync = SuppressionSync(sources: [.init(account: "mailgun-us", client: mg, domains: ["g1-d1.example", "g1-d2.example"])],
                                           store: h.store) { _ in }
                #expect(await sync.mergeOnce() == 0)
            }
        }
    }

    @Test func mergingMailgunsListsSuppressesWhatOnlyMailgunKnew() async throws {
        try await MonitorHarness.with { h in
            try await withEmulator { emu, mg in
                try await mg.addSuppression(.bounces, domain: "g1-d1.example", MailgunSuppression(address: "Gone@Example.net", code: "550", error: "no such user"))
                try await mg.addSuppression(.complaints, domain: "g1-d2.example", MailgunSuppression(address: "angry@example.net"))
                try await mg.addSuppression(.unsubscribes, domain: "g1-d2.example", MailgunSuppression(address: "bye@example.net", tags: ["*"]))
                try h.store.suppress(email: "bye@example.net", reason: "unsubscribe", source: "earlier", at: 1)
                let sync = SuppressionSync(sources: [.init(account: "mailgun-us", client: mg, domains: ["g1-d1.example", "g1-d2.example"])],
                                           store: h.store) { _ in }
                #expect(await sync.mergeOnce() == 2)
                #expect(try h.store.suppression(email: "gone@example.net")?.reason == "hard bounce")
                #expect(try h.store.suppression(email: "angry@example.net")?.source == "mailgun mailgun-us complaints")
                #expect(try h.store.suppression(email: "bye@example.net")?.source == "earlier")
                #expect(await sync.mergeOnce() == 0)
                _ = emu
            }
        }
    }

    /// The link in a sent message, clicked: the address gets nothing more
    /// from that sequence or any other campaign, while others carry on.
    @Test func afterAOneClickUnsubscribeNoFurtherMailReachesTheAddress() async throws {
        try await MonitorHarness.with { h in
            try await withEmulator { emu, _ in
                let sequence = Campaign(id: "seq", steps: [CampaignStep(subject: "One", text: "First"),
                                                           CampaignStep(delay: 3, subject: "Two", text: "Second")])
                let now = Date().timeIntervalSince1970 - 1
                _ = try h.store.enqueue(campaign: sequence.record(group: "g1"), recipients: ["leaver", "stayer"].map {
                    Enrollment(email: "\($0)@example.net", timeZone: nil, variables: [:])
                }, now: now)
                let env = ["MG": Self.apiKey, "TEST_UNSUB": MonitorHarness.unsubscribeSecret]
                let transport = MailgunHTTPTransport(baseURL: emu.url.absoluteString, apiKey: "env:MG", environment: env)
                let sender = try SendService(fleet: h.fleet, store: h.store, transport: transport, exitWhenIdle: true, environment: env) { _ in }
                let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                let group = ServiceGroup(configuration: ServiceGroupConfiguration(
                    services: [.init(service: sender, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quiet))
                let running = Task { try await group.run() }
                // The first message arrives with its List-Unsubscribe link; the recipient clicks it.
                var first: MailgunEmulator.RecordedMessage?
                let deadline = Date().addingTimeInterval(30)
                while first == nil && Date() < deadline {
                    first = await emu.sentMessages().first { $0.recipients == ["leaver@example.net"] }
                    try await Task.sleep(nanoseconds: 20_000_000)
                }
                let header = try #require(first?.headers["List-Unsubscribe"])
                let link = try #require(header.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " <>")) }
                    .first { $0.hasPrefix("https://") })
                let path = try #require(URLComponents(string: link)?.path)
                let click = try await h.post(path, body: Data("List-Unsubscribe=One-Click".utf8), contentType: "application/x-www-form-urlencoded")
                #expect(click.status == 200)
                // Another campaign later: the address is skipped.
                let other = Campaign(id: "other", steps: [CampaignStep(subject: "News", text: "Hi")])
                let report = try h.store.enqueue(campaign: other.record(group: "g1"), recipients: ["leaver", "newcomer"].map {
                    Enrollment(email: "\($0)@example.net", timeZone: nil, variables: [:])
                }, now: Date().timeIntervalSince1970)
                #expect(report.suppressed == 1 && report.enrolled == 1)
                try await running.value
                let mail = await emu.sentMessages()
                #expect(mail.filter { $0.recipients == ["leaver@example.net"] }.count == 1)
                #expect(mail.filter { $0.recipients == ["stayer@example.net"] }.count == 2)
                #expect(mail.filter { $0.recipients == ["newcomer@example.net"] }.count == 1)
                #expect(try h.store.suppression(email: "leaver@example.net")?.reason == "unsubscribe")
            }
        }
    }
}
