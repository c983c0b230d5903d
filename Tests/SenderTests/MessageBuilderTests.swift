import Foundation
import Providers
import Sender
import Store
import Testing

@Suite struct MessageBuilderTests {
    let mailbox = SendingMailbox(address: "jürgen@acme-mail.example".replacingOccurrences(of: "ü", with: "u"), displayName: "Jürgen Müller",
                                 group: "g1", dailyMax: 100, interval: SecondsRange(30, 60))

    func record(step: Int = 0, previous: String? = nil) -> MessageRecord {
        let m = OutboxMessage(row: 7, campaign: "spring", email: "ann@example.net", step: step, group: "g1", timeZone: nil,
                              state: .reserved, notBefore: 0, mailbox: mailbox.address, messageID: nil, attempts: 0)
        return MessageRecord(message: m, variables: ["first_name": "Ann & Co"], previousMessageID: previous)
    }

    @Test func plainMessageCarriesEveryRequiredHeader() throws {
        let c = Campaign(id: "spring", steps: [CampaignStep(subject: "Grüße, {{first_name}}", text: "Hi {{first_name}},\n.leading dot\n")])
        let built = try testBuilder.build(record: record(), campaign: c, mailbox: mailbox, group: "g1", messageID: "<abc@acme-mail.example>", date: monday + 3661)
        let text = String(decoding: built.data, as: UTF8.self)
        let h = headers(of: text)
        #expect(h["from"] == "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jurgen@acme-mail.example>")
        #expect(h["to"] == "<ann@example.net>")
        #expect(h["subject"] == "=?UTF-8?B?R3LDvMOfZSwgQW5uICYgQ28=?=")
        #expect(h["date"] == "Mon, 02 Mar 2026 01:01:01 +0000")
        #expect(h["message-id"] == "<abc@acme-mail.example>")
        #expect(h["mime-version"] == "1.0")
        let token = testBuilder.unsubscribe.token(for: "ann@example.net")
        #expect(h["list-unsubscribe"] == "<https://u.example.org/u/\(token)>, <mailto:jurgen@acme-mail.example?subject=unsubscribe%20\(token)>")
        #expect(h["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
        #expect(h["x-mailgun-variables"] == #"{"campaign": "spring", "group": "g1", "message_id": "<abc@acme-mail.example>", "step": "0"}"#)
        #expect(h["content-type"] == "text/plain; charset=utf-8")
        #expect(h["in-reply-to"] == nil)
        // CRLF only, a visible unsubscribe line, the template rendered without HTML escaping.
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("Hi Ann & Co,\r\n=2Eleading dot"))
        #expect(quotedPrintableDecoded(text).contains("unsubscribe here: https://u.example.org/u/\(token)"))
        #expect(testBuilder.unsubscribe.verify(token) == "ann@example.net")
        #expect(testBuilder.unsubscribe.verify(token.replacingOccurrences(of: "YW", with: "Yw")) == nil)
    }

    @Test func htmlMakesMultipartAlternativeAndFollowUpsThread() throws {
        let c = Campaign(id: "spring", steps: [
            CampaignStep(subject: "s", text: "t"),
            CampaignStep(delay: 60, subject: "Re: s", text: "Hi {{first_name}}", html: "<html><body><p>Hi {{first_name}}</p></body></html>"),
        ])
        let built = try testBuilder.build(record: record(step: 1, previous: "<first@acme-mail.example>"), campaign: c, mailbox: mailbox,
                                          group: "g1", messageID: "<second@acme-mail.example>", date: monday)
        let text = String(decoding: built.data, as: UTF8.self)
        let h = headers(of: text)
        #expect(h["in-reply-to"] == "<first@acme-mail.example>")
        #expect(h["references"] == "<first@acme-mail.example>")
        let ct = try #require(h["content-type"])
        #expect(ct.hasPrefix("multipart/alternative; boundary="))
        let boundary = String(ct.split(separator: "\"")[1])
        #expect(text.components(separatedBy: "--\(boundary)\r\n").count == 3)
        #expect(text.contains("--\(boundary)--\r\n"))
        #expect(text.contains("Content-Type: text/html; charset=utf-8"))
        // HTML is escaped in the HTML part, and carries the visible unsubscribe link before </body>.
        #expect(text.contains("Hi Ann &amp; Co"))
        #expect(text.contains("unsubscribe here</a>.</p>\r\n</body>"))
    }

    @Test func quotedPrintableKeepsLinesShort() throws {
        let long = String(repeating: "word ", count: 60)
        let c = Campaign(id: "spring", steps: [CampaignStep(subject: "s", text: long)])
        let built = try testBuilder.build(record: record(), campaign: c, mailbox: mailbox, group: "g1", messageID: "<x@y>", date: monday)
        let lines = String(decoding: built.data, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        let body = lines.drop { !$0.isEmpty }.dropFirst()
        #expect(body.allSatisfy { $0.utf8.count <= 76 })
    }

    @Test func messageIDStableAcrossRetriesAndUniqueAcrossMessages() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: [Enrollment(email: "later1@example.net", timeZone: nil, variables: [:])] + recipients(20), now: monday)
        let fleet = makeFleet(pause: SecondsRange(1, 1), interval: SecondsRange(1, 1))
        let transport = ScriptedRelay()
        let engine = try SendEngine(fleet: fleet, store: store, transport: transport, clock: VirtualClock(start: monday), random: SeededRandom(seed: 4), builder: testBuilder)
        engine.retryDelay = 60
        try await engine.run(until: monday + 600)
        let ids = transport.seen.map(\.messageID)
        let later = transport.seen.filter { $0.recipient == "later1@example.net" }.map(\.messageID)
        #expect(later.count == 3)                   // deferred twice, then accepted
        #expect(Set(later).count == 1)               // the same Message-ID every time
        #expect(Set(ids).count == 21)                // unique per logical message
        #expect(try store.messages(state: .accepted).count == 21)
    }
}

/// A relay that defers `later*` twice and accepts the rest (it records what it was handed).
final class ScriptedRelay: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var tries: [String: Int] = [:]
    private(set) var seen: [BuiltMessage] = []
    func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult {
        lock.withLock { record(message) }
    }
    private func record(_ message: BuiltMessage) -> TransportResult {
        seen.append(message)
        tries[message.recipient, default: 0] += 1
        if message.recipient.hasPrefix("later"), tries[message.recipient]! <= 2 {
            return TransportResult(state: .deferred, code: 450, text: "450 4.2.1 busy", phase: .rcpt)
        }
        return TransportResult(state: .accepted, code: 250, text: "250 ok", phase: .accepted)
    }
}

/// Undoes quoted-printable soft breaks and escapes (RFC 2045 §6.7), for reading bodies.
func quotedPrintableDecoded(_ s: String) -> String {
    let joined = Array(s.replacingOccurrences(of: "=\r\n", with: "").utf8)
    var out: [UInt8] = []
    var i = 0
    while i < joined.count {
        if joined[i] == UInt8(ascii: "="), i + 2 < joined.count, let v = UInt8(String(decoding: joined[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
            out.append(v); i += 3
        } else {
            out.append(joined[i]); i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
