import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Inventory
import Monitor
import Providers
import Sandbox
import Store
import Testing

/// `POST /inbound/mailgun` over real HTTP into a real SQLite state: a
/// forwarded reply has the effect of one read over IMAP, once; every
/// refusal is a 4xx and records nothing.
@Suite(.serialized) struct InboundRouteTests {
    static let key = "inbound-signing-key-0123"
    static let box = ReplyPollerTests.box

    final class World: Sendable {
        let dir: URL
        let store: SQLiteSendingStore
        let counters = WebhookCounters()
        let lines = LockedLines()
        let server: MonitorServer
        var url: URL { server.url.appendingPathComponent("inbound/mailgun") }

        init(maxBodyBytes: Int) async throws {
            dir = try temporaryDirectory("inbound")
            store = SQLiteSendingStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
            let intake = InboundIntake(keys: WebhookKeys(byDomain: ["acme-mail.com": InboundRouteTests.key]), store: store,
                                       settings: .init(maxBodyBytes: maxBodyBytes), counters: counters) { [lines] in lines.append($0) }
            server = try await MonitorServer.start { InboundRoutes(intake: intake).add(to: $0) }
        }

        func stop() async {
            await server.stop()
            try? FileManager.default.removeItem(at: dir)
        }
    }

    static func withWorld(maxBodyBytes: Int = 64 * 1024, _ body: (World) async throws -> Void) async throws {
        let w = try await World(maxBodyBytes: maxBodyBytes)
        do { try await body(w) } catch {
            await w.stop()
            throw error
        }
        await w.stop()
    }

    /// The fields of a Routes forward POST (mail-platforms.md §1.10), signed.
    static func forward(headers: [[String]], recipient: String = box, key: String = key, at: Date = Date(),
                        signature: MailgunWebhookSignature? = nil) -> [(String, String)] {
        let s = signature ?? MailgunWebhookDispatcher.sign(key: key, now: at)
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: headers), as: UTF8.self)
        return [("timestamp", s.timestamp), ("token", s.token), ("signature", s.signature), ("recipient", recipient),
                ("sender", "ann@example.org"), ("subject", "Re: hello"), ("body-plain", "Sounds good."), ("message-headers", json)]
    }

    static func multipart(_ fields: [(String, String)]) -> (String, Data) {
        var m = MailgunMultipart()
        for (k, v) in fields { m.add(k, v) }
        return m.encoded()
    }

    static func post(_ url: URL, _ body: Data, contentType: String) async throws -> Int {
        var r = URLRequest(url: url)
        r.httpMethod = "POST"
        r.setValue(contentType, forHTTPHeaderField: "Content-Type")
        r.httpBody = body
        let (_, response) = try await URLSession.shared.data(for: r)
        return (response as! HTTPURLResponse).statusCode
    }

    @Test func aForwardedReplyStopsTheSequenceOnceAndAnAutoReplyIsOnlyRecorded() async throws {
        try await Self.withWorld { w in
            let ids = try ReplyPollerTests.sentFirstSteps(w.store)
            let reply = [["Message-Id", "<r1@example.org>"], ["In-Reply-To", ids["ann@example.org"]!], ["Subject", "Re: hello"]]
            let (type, body) = Self.multipart(Self.forward(headers: reply))
            #expect(try await Self.post(w.url, body, contentType: type) == 200)
            #expect(try ReplyPollerTests.followUp(w.store, "ann@example.org") == .stopped)
            #expect(try ReplyPollerTests.followUp(w.store, "bob@example.org") == .planned)
            let replies = try w.store.events(kind: .reply)
            #expect(replies.map(\.email) == ["ann@example.org"])
            #expect(replies.map(\.detail) == ["mailgun-route"])
            #expect(replies.map(\.mailbox) == [Self.box])

            // The same POST again (a spent token), and the same reply re-signed (Mailgun retrying): nothing more.
            #expect(try await Self.post(w.url, body, contentType: type) == 200)
            let (type2, again) = Self.multipart(Self.forward(headers: reply))
            #expect(try await Self.post(w.url, again, contentType: type2) == 200)
            #expect(try w.store.events(kind: .reply).count == 1)

            // Urlencoded works as well; an out-of-office reply stops nothing.
            let ooo = [["Message-Id", "<ooo@example.org>"], ["In-Reply-To", ids["bob@example.org"]!], ["Auto-Submitted", "auto-replied"]]
            #expect(try await Self.post(w.url, MailgunForm.encode(Self.forward(headers: ooo)), contentType: "application/x-www-form-urlencoded") == 200)
            #expect(try w.store.events(kind: .autoReply).map(\.email) == ["bob@example.org"])
            #expect(try ReplyPollerTests.followUp(w.store, "bob@example.org") == .planned)

            // A message that answers nothing we sent is taken (Mailgun stops retrying) and records nothing.
            let (type3, stranger) = Self.multipart(Self.forward(headers: [["Message-Id", "<s@else.example>"], ["Subject", "hi"]]))
            #expect(try await Self.post(w.url, stranger, contentType: type3) == 200)
            #expect(try w.store.events(kind: nil).filter { $0.kind == .reply || $0.kind == .autoReply }.count == 2)
            #expect(w.counters.snapshot.accepted == 3 && w.counters.snapshot.duplicates == 2)
            #expect(w.lines.all.contains { $0.contains("a reply via Mailgun's route") })
        }
    }

    @Test func forgedStaleUnknownMalformedAndOversizedForwardsAreRefusedWith4xxAndRecordNothing() async throws {
        try await Self.withWorld(maxBodyBytes: 8 * 1024) { w in
            let ids = try ReplyPollerTests.sentFirstSteps(w.store)
            let reply = [["Message-Id", "<r1@example.org>"], ["In-Reply-To", ids["ann@example.org"]!]]
            var valid = Self.forward(headers: reply)
            var tokenSwapped = valid
            tokenSwapped[1].1 = "0000" + tokenSwapped[1].1
            var noSignature = valid
            noSignature.remove(at: 2)
            let cases: [(String, [(String, String)]?, Data?, String, Int)] = [
                ("forged key", Self.forward(headers: reply, key: "not-the-key"), nil, "", 406),
                ("token swapped", tokenSwapped, nil, "", 406),
                ("stale", Self.forward(headers: reply, at: Date().addingTimeInterval(-10 * 3600)), nil, "", 406),
                ("future", Self.forward(headers: reply, at: Date().addingTimeInterval(3600)), nil, "", 406),
                ("not our domain", Self.forward(headers: reply, recipient: "someone@elsewhere.example"), nil, "", 406),
                ("no signature", noSignature, nil, "", 400),
                ("json", nil, Data("{}".utf8), "application/json", 415),
                ("oversized", Self.forward(headers: reply + [["X-Pad", String(repeating: "x", count: 9000)]]), nil, "", 413),
            ]
            for (name, fields, raw, rawType, status) in cases {
                let (type, body) = fields.map(Self.multipart) ?? (rawType, raw!)
                let got = try await Self.post(w.url, body, contentType: type)
                #expect(got == status, "\(name)")
            }
            #expect(try w.store.events(kind: .reply).isEmpty)
            #expect(try ReplyPollerTests.followUp(w.store, "ann@example.org") == .planned)
            #expect(w.counters.snapshot.totalRejected == cases.count)
            #expect(w.lines.all.filter { $0.hasPrefix("inbound refused") }.count == cases.count)
            #expect(!w.lines.all.joined().contains(Self.key))
            // Nothing refused spent the valid one's token.
            valid = Self.forward(headers: reply)
            let (type, body) = Self.multipart(valid)
            #expect(try await Self.post(w.url, body, contentType: type) == 200)
            #expect(try ReplyPollerTests.followUp(w.store, "ann@example.org") == .stopped)
        }
    }

    /// The emulator's sandbox-only inbound endpoint evaluates the route
    /// apply creates and POSTs its `forward("…/inbound/mailgun")` here.
    @Test func theEmulatorForwardsThroughTheRouteApplyCreates() async throws {
        try await Self.withWorld { w in
            let ids = try ReplyPollerTests.sentFirstSteps(w.store)
            let apiKey = "key-inbound-test-00000000000000000000"
            let emu = try await MailgunEmulator.start(region: .us, dns: DNSView(), apiKey: apiKey, signingKey: Self.key)
            do {
                let mg = MailgunClient(region: .us, apiKey: apiKey, endpoint: emu.url, retry: .none)
                let desired = DesiredRoute.forwarding(Self.box, to: "replies@acme-ops.com",
                                                      inboundURL: "https://hooks.example.org" + DesiredRoute.inboundPath, ensure: .present)
                #expect(desired.actions[1] == MailgunRouteDSL.forward("https://hooks.example.org/inbound/mailgun"))
                _ = try await mg.createRoute(MailgunRouteSpec(priority: desired.priority, description: desired.description,
                                                              expression: desired.expression, actions: desired.actions))
                // Apply registered the public URL; the emulator delivers to this server instead, as under `serve --sandbox`.
                emu.redirectWebhooks(to: "http://127.0.0.1:\(w.server.port)")
                let headers = String(decoding: try JSONSerialization.data(withJSONObject: [["Message-Id", "<r9@example.org>"],
                                                                                          ["In-Reply-To", ids["ann@example.org"]!]]), as: UTF8.self)
                var r = URLRequest(url: emu.url.appendingPathComponent("sandbox/inbound"))
                r.httpMethod = "POST"
                r.setValue("Basic " + Data("api:\(apiKey)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
                r.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
                r.httpBody = MailgunForm.encode([("recipient", Self.box.uppercased()), ("sender", "ann@example.org"), ("message-headers", headers)])
                let (data, _) = try await URLSession.shared.data(for: r)
                let answer = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                #expect((answer["addresses"] as? [String]) == ["replies@acme-ops.com"])
                #expect((answer["forwards"] as? [[String: Any]])?.map { $0["status"] as? Int } == [200], "\(answer)")
                #expect(try ReplyPollerTests.followUp(w.store, "ann@example.org") == .stopped)
                // No route for the address: Mailgun's own answer.
                r.httpBody = MailgunForm.encode([("recipient", "nobody@acme-mail.com")])
                let (_, missing) = try await URLSession.shared.data(for: r)
                #expect((missing as? HTTPURLResponse)?.statusCode == 404)
            } catch {
                await emu.stop()
                throw error
            }
            await emu.stop()
        }
    }
}
