import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Inventory
import Providers
import Sandbox
import Store
import Testing

/// `reconcile serve` hears a reply the way `inbound: mailgun-routing`
/// delivers it: the person answers, Mailgun's route (as apply creates it)
/// forwards the message to `/inbound/mailgun`, and that recipient's next
/// step never goes out.
@Suite(.serialized) struct ServeInboundTests {
    @Test func aReplyForwardedByTheMailgunRouteStopsTheSequence() async throws {
        let key = "inbound-cli-signing-key"
        let apiKey = "key-inbound-cli-00000000000000000000"
        let emu = try await MailgunEmulator.start(region: .eu, dns: DNSView(), apiKey: apiKey, signingKey: key)
        let dir = try CLIRunner.temporaryDirectory()
        var env = ProcessInfo.processInfo.environment
        env["MAILGUN_EU_WEBHOOK_KEY"] = key
        env["MAILGUN_US_WEBHOOK_KEY"] = "us-signing-key"
        env["UNSUBSCRIBE_SECRET"] = "inbound-cli-unsubscribe"
        // No API keys: serve calls no Mailgun API.
        for k in ["MAILGUN_US_API_KEY", "MAILGUN_EU_API_KEY"] { env.removeValue(forKey: k) }

        // The first step went out to ann from lena@acmehq.eu (an `inbound: mailgun-routing` domain); the second waits two days.
        let store = SQLiteSendingStore(try StateStore(path: dir + "/state.sqlite"))
        let now = Date().timeIntervalSince1970
        _ = try store.enqueue(campaign: CampaignRecord(id: "intro", group: "eu-outreach", definition: "{}", stepDelays: [0, 2 * 86_400],
                                                       stopOnReply: true, stopOnBounce: true),
                              recipients: [Enrollment(email: "ann@example.org", timeZone: nil, variables: [:])], now: now - 60)
        let first = try #require(try store.pendingMessages().first)
        let sentID = "<intro-0.\(UUID().uuidString.prefix(8))@acmehq.eu>"
        guard case .reserved = try store.reserve(Reservation(messageRow: first.row, mailbox: "lena@acmehq.eu", group: "eu-outreach",
                                                             at: now - 50, mailboxNextAt: now - 5, groupNextAt: now - 5, messageID: sentID)) else {
            Issue.record("not reserved"); return
        }
        try store.markAttempting(row: first.row, at: now - 50)
        try store.settle(row: first.row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "ok", phase: "http"), at: now - 49)
        func followUp() throws -> MessageState? { try store.messages(state: nil).first { $0.step == 1 }?.state }
        #expect(try followUp() == .planned)

        let serve = try ServeProcess(["--inventory", CLIRunner.repositoryRoot + "/inventory", "--state", dir + "/state.sqlite",
                                      "--listen", "127.0.0.1:0"], cwd: dir, environment: env)
        // Stopped whatever happens, then the outcome is rethrown.
        let failure = await Self.failure(of: { () async throws -> Void in
            let url = try await serve.listening()
            // The route apply creates (forward to the person, then to serve's public URL), redirected here as the sandbox does.
            let route = DesiredRoute.forwarding("lena@acmehq.eu", to: "replies@acme-ops.com",
                                                inboundURL: "https://hooks.acme-ops.com" + DesiredRoute.inboundPath, ensure: .present)
            let mg = MailgunClient(region: .eu, apiKey: apiKey, endpoint: emu.url, retry: .none)
            _ = try await mg.createRoute(MailgunRouteSpec(priority: route.priority, description: route.description,
                                                          expression: route.expression, actions: route.actions))
            emu.redirectWebhooks(to: url)

            let headers = String(decoding: try JSONSerialization.data(withJSONObject: [
                ["Message-Id", "<reply-1@example.org>"], ["In-Reply-To", sentID], ["Subject", "Re: hello"]]), as: UTF8.self)
            var r = URLRequest(url: emu.url.appendingPathComponent("sandbox/inbound"))
            r.httpMethod = "POST"
            r.setValue("Basic " + Data("api:\(apiKey)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
            r.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            r.httpBody = MailgunForm.encode([("recipient", "lena@acmehq.eu"), ("sender", "ann@example.org"),
                                             ("subject", "Re: hello"), ("body-plain", "Yes, let's talk."), ("message-headers", headers)])
            let (data, _) = try await URLSession.shared.data(for: r)
            let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect((answer["forwards"] as? [[String: Any]])?.map { $0["status"] as? Int } == [200], "\(answer) \(serve.stderr)")
            #expect(try followUp() == .stopped)
            #expect(try store.events(kind: .reply).map(\.email) == ["ann@example.org"])
            // Mailgun retrying the same reply (re-signed) counts nothing twice.
            _ = try await URLSession.shared.data(for: r)
            #expect(try store.events(kind: .reply).count == 1)
            #expect(serve.stderr.contains("lena@acmehq.eu: a reply via Mailgun's route"))
            // A domain whose replies Zoho receives has no business here, even correctly signed.
            let s = MailgunWebhookDispatcher.sign(key: "us-signing-key", now: Date())
            var zoho = URLRequest(url: URL(string: url + "/inbound/mailgun")!)
            zoho.httpMethod = "POST"
            zoho.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            zoho.httpBody = MailgunForm.encode([("timestamp", s.timestamp), ("token", s.token), ("signature", s.signature),
                                                ("recipient", "alice@acme-mail.com"), ("message-headers", headers)])
            let (_, refused) = try await URLSession.shared.data(for: zoho)
            #expect((refused as? HTTPURLResponse)?.statusCode == 406)
            #expect(await serve.terminate() == 0)
        })
        await serve.stop()
        await emu.stop()
        try? FileManager.default.removeItem(atPath: dir)
        if let failure { throw failure }
    }

    static func failure(of body: () async throws -> Void) async -> (any Error)? {
        do { try await body() } catch { return error }
        return nil
    }
}

