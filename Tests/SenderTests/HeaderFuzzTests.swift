import Foundation
import Providers
@testable import Sender
import Store
import Testing

/// Issue #19's fuzz test: seeded random Unicode, control characters and long
/// strings in every input that reaches a header (campaign name, subject
/// template and variables, display name, sender and recipient addresses, group
/// name, which are also the tag, variables and Feedback-ID), built by
/// MessageBuilder and delivered over real SMTP to aiosmtpd, where Python's
/// `email` package (policy=default) parses each message. Inputs with a
/// forbidden character are refused before sending; every other message is
/// accepted, has exactly the expected header set, and decodes to its inputs.
@Suite(.serialized) struct HeaderFuzzTests {
    static let seed: UInt64 = 20_261_203
    static let count = 300

    struct Case {
        var campaign: String
        var group: String
        var subjectTemplate: String
        var variables: [String: String]
        var textTemplate: String
        var displayName: String?
        var from: String
        var to: String
    }

    struct Generator {
        var rng: SeededRandom

        mutating func int(_ n: Int) -> Int { Int(rng.nextUnit() * Double(n)) }
        mutating func chance(_ p: Double) -> Bool { rng.nextUnit() < p }

        /// Scalars a header must never carry (HeaderWriter.isForbidden), a few at a time.
        mutating func forbidden() -> String {
            let pool: [Unicode.Scalar] = ["\r", "\n", "\t", "\u{0}", "\u{7}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}",
                                          "\u{2028}", "\u{2029}", "\u{202E}", "\u{2067}"]
            return [String(pool[int(pool.count)]), "\r\nBcc: evil@example.com", "\r\n\r\n<h1>body</h1>"][int(3)]
        }

        /// One scalar from a mix of scripts, spaces, specials and astral characters.
        mutating func scalar(braces: Bool) -> Unicode.Scalar {
            let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0x20...0x7E, 0xA0...0xFF, 0x370...0x3FF, 0x400...0x4FF, 0x5D0...0x5EA,
                                                 0x600...0x6FF, 0x300...0x36F, 0x4E00...0x9FFF, 0x3000...0x3000, 0x200D...0x200D,
                                                 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0xFE0F...0xFE0F]
            while true {
                let r = ranges[int(ranges.count)]
                let v = r.lowerBound + UInt32(int(Int(r.upperBound - r.lowerBound) + 1))
                guard let s = Unicode.Scalar(v) else { continue }
                if !braces && (s == "{" || s == "}") { continue }
                return s
            }
        }

        mutating func text(max: Int, braces: Bool = true, hostile: Double = 0.1) -> String {
            var s = ""
            let n = chance(0.1) ? 300 + int(2_200) : 1 + int(max)
            for _ in 0..<n { s.unicodeScalars.append(scalar(braces: braces)) }
            if chance(0.1) { s = "=?UTF-8?B?SGk=?= \"q\" \\ (c) <x@y> " + s }
            if chance(hostile) {
                let f = forbidden()
                let at = s.unicodeScalars.index(s.unicodeScalars.startIndex, offsetBy: int(s.unicodeScalars.count + 1))
                s.unicodeScalars.insert(contentsOf: f.unicodeScalars, at: at)
            }
            return s
        }

        /// Short names (they end up in JSON strings that cannot be folded).
        mutating func name(max: Int) -> String {
            var s = ""
            for _ in 0..<(1 + int(max)) { s.unicodeScalars.append(scalar(braces: true)) }
            if chance(0.12) { s += forbidden() }
            return s
        }

        mutating func address(_ i: Int, domain: String) -> String {
            let local = "r\(i)." + String((0..<(1 + int(12))).map { _ in Array("abcdefghijklmnopqrstuvwxyz0123456789+-_")[int(39)] })
            if chance(0.05) { return ["\(local)\r\n@\(domain)", "\(local) x@\(domain)", "jür\(i)@\(domain)", "\(local)@\(domain)>, <evil@example.com"][int(4)] }
            return "\(local)@\(domain)"
        }

        mutating func next(_ i: Int) -> Case {
            // An ASCII start: the builder prefixes a Mustache config tag, and a combining mark would join its `}}`.
            var subject = "S " + text(max: 40, braces: false, hostile: 0)
            subject += " {{a}} " + text(max: 20, braces: false, hostile: 0)
            // Placeholders stand between spaces: a combining mark right after `}}` would join it.
            if chance(0.5) { subject = "{{b}} " + subject }
            let body = (0..<(1 + int(4))).map { _ in text(max: 200, braces: false, hostile: 0) }.joined(separator: "\n")
            return Case(campaign: name(max: 40), group: name(max: 20), subjectTemplate: subject,
                        variables: ["a": text(max: 60), "b": text(max: 30)], textTemplate: "Hi {{a}},\n" + body,
                        displayName: chance(0.1) ? nil : text(max: 60), from: address(i, domain: "acme-mail.example"),
                        to: address(i, domain: "example.net"))
        }
    }

    /// The subject as the builder renders it: variables substituted, outer white space trimmed.
    static func subject(_ c: Case) -> String {
        c.subjectTemplate.replacingOccurrences(of: "{{a}}", with: c.variables["a"]!).replacingOccurrences(of: "{{b}}", with: c.variables["b"]!)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func refused(_ c: Case) -> Bool {
        func bad(_ s: String) -> Bool { s.unicodeScalars.contains(where: HeaderWriter.isForbidden) }
        func badAddress(_ a: String) -> Bool { a.contains(" ") || a.contains(">") || !a.allSatisfy(\.isASCII) || bad(a) }
        return bad(c.campaign) || bad(c.group) || bad(subject(c)) || bad(c.displayName ?? "") || badAddress(c.from) || badAddress(c.to)
    }

    @Test func randomHeaderInputsAreRefusedOrArriveExactly() async throws {
        let server = try SMTPTestServer(parse: true)
        defer { server.stop() }
        let transport = CurlSMTPTransport(environment: ["FUZZ_SMTP_PASSWORD": "pass"], finalReplyTimeout: 20)
        let group = SendingGroup(name: "g1", hourlyCap: 1_000, pause: SecondsRange(0, 0), smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path))
        var gen = Generator(rng: SeededRandom(seed: Self.seed))
        var sent: [String: Case] = [:]
        var refusedCount = 0
        for i in 0..<Self.count {
            let c = gen.next(i)
            let mailbox = SendingMailbox(address: c.from, displayName: c.displayName, group: "g1", dailyMax: 1_000, interval: SecondsRange(0, 0),
                                         smtpUsername: "user", smtpPassword: "env:FUZZ_SMTP_PASSWORD")
            let m = OutboxMessage(row: Int64(i), campaign: c.campaign, email: c.to, step: 0, group: "g1", timeZone: nil, state: .reserved,
                                  notBefore: 0, mailbox: mailbox.address, messageID: nil, attempts: 0)
            let id = "<fuzz\(i)@acme-mail.example>"
            let built: BuiltMessage
            do {
                built = try testBuilder.build(record: MessageRecord(message: m, variables: c.variables, previousMessageID: nil),
                                              campaign: Campaign(id: c.campaign, steps: [CampaignStep(subject: c.subjectTemplate, text: c.textTemplate)]),
                                              mailbox: mailbox, group: c.group, messageID: id, date: monday)
            } catch let e as SenderError {
                #expect(Self.refused(c), "case \(i) refused unexpectedly: \(e)")
                #expect(!e.description.unicodeScalars.contains(where: HeaderWriter.isForbidden))
                refusedCount += 1
                continue
            }
            #expect(!Self.refused(c), "case \(i) should have been refused: \(c)")
            // Header lines: 78 where the value can break; JSON strings and the one-line List-Unsubscribe up to 998.
            let raw = String(decoding: built.data, as: UTF8.self)
            let head = raw.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
            var field = ""
            for line in head {
                if !line.hasPrefix(" ") { field = String(line.prefix { $0 != ":" }) }
                #expect(line.utf8.count <= 78 || ["X-Mailgun-Variables", "List-Unsubscribe"].contains(field), "case \(i): \(field) line of \(line.utf8.count)")
            }
            let result = await transport.send(built, mailbox: mailbox, group: group)
            #expect(result.state == .accepted, "case \(i): \(result.text)")
            sent[id] = c
        }
        #expect(refusedCount > Self.count / 10 && sent.count > Self.count / 2, "\(refusedCount) refused, \(sent.count) sent")

        let parsed = server.parsed()
        #expect(parsed.count == sent.count)
        let expectedNames = ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Unsubscribe", "List-Unsubscribe-Post",
                             "X-Mailgun-Variables", "X-Mailgun-Tag", "Feedback-ID", "Content-Type", "Content-Transfer-Encoding"]
        for p in parsed {
            #expect(p["error"] == nil, "\(p["error"] ?? "")")
            let hs = (p["headers"] as? [[String: Any]]) ?? []
            var values: [String: String] = [:]
            var addresses: [String: [[String: String]]] = [:]
            var rfc2047Names: [String: [String]] = [:]
            for h in hs {
                let name = h["name"] as? String ?? ""
                values[name] = h["value"] as? String
                addresses[name] = h["addresses"] as? [[String: String]]
                rfc2047Names[name] = h["rfc2047_names"] as? [String]
                #expect((h["defects"] as? [String])?.isEmpty == true, "\(name): \(h["defects"] ?? "")")
            }
            let id = values["Message-ID"] ?? ""
            guard let c = sent[id] else { Issue.record("unknown message \(id)"); continue }
            #expect(hs.map { $0["name"] as? String ?? "" } == expectedNames, "\(id): the header set")
            #expect((p["defects"] as? [String])?.isEmpty == true, "\(id): \(p["defects"] ?? "")")
            #expect((p["max_line"] as? Int ?? .max) <= 998)
            #expect(values["Subject"] == Self.subject(c), "\(id) subject")
            #expect(values["X-Mailgun-Tag"] == c.campaign, "\(id) tag")
            // The display name decodes exactly by RFC 2047; Python's phrase parser differs only
            // by the white space it keeps between encoded words (see smtp-test-server.py).
            #expect(rfc2047Names["From"] == [c.displayName ?? ""], "\(id) display name")
            func squeezed(_ s: String?) -> String { String((s ?? "").unicodeScalars.filter { !$0.properties.isWhitespace }) }
            #expect(squeezed(addresses["From"]?.first?["display_name"]) == squeezed(c.displayName), "\(id) display name (policy=default)")
            #expect(addresses["From"]?.first?["addr_spec"] == c.from.lowercased())
            #expect(addresses["To"]?.map { $0["addr_spec"] ?? "" } == [c.to])
            let vars = try JSONSerialization.jsonObject(with: Data((values["X-Mailgun-Variables"] ?? "").utf8)) as? [String: String]
            #expect(vars == ["campaign": c.campaign, "group": c.group, "message_id": id, "step": "0"], "\(id) variables")
            let feedback = values["Feedback-ID"] ?? ""
            #expect(feedback.hasPrefix("0:") && feedback.hasSuffix(":reconcile")
                    && feedback.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == ":") })
            let token = testBuilder.unsubscribe.token(for: c.to)
            #expect(values["List-Unsubscribe"] == "<https://u.example.org/u/\(token)>, <mailto:\(c.from.lowercased())?subject=unsubscribe%20\(token)>")
            // The body survives too: quoted-printable keeps its lines short whatever the template holds.
            // Compared by scalars: a body line may start with a combining mark, which String comparison would fold in.
            let text = String(String.UnicodeScalarView((p["text"] as? String ?? "").unicodeScalars.filter { $0 != "\r" }))
            #expect(text.unicodeScalars.starts(with: "Hi \(c.variables["a"]!),\n".unicodeScalars), "\(id) body")
            #expect(text.contains("unsubscribe here: https://u.example.org/u/\(token)"), "\(id) unsubscribe line")
        }
        print("header fuzz (seed \(Self.seed)): \(sent.count) delivered and parsed, \(refusedCount) refused before sending")
    }
}
