import Foundation
@testable import Sender
import Store
import Testing

/// The one header writer (issue #19): refusal of controls, RFC 2047 encoding,
/// folding. The fuzz test (HeaderFuzzTests) checks the same against a real
/// receiving parser; these pin the exact shapes.
@Suite struct HeaderWriterTests {
    /// Every character class the writer must refuse, from any source.
    static let forbidden: [Unicode.Scalar] = ["\u{0}", "\t", "\n", "\r", "\u{1B}", "\u{1F}", "\u{7F}", "\u{85}", "\u{9F}",
                                              "\u{2028}", "\u{2029}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}"]

    func lines(_ w: HeaderWriter) -> [String] { w.text.components(separatedBy: "\r\n").filter { !$0.isEmpty } }

    @Test func longASCIISubjectFoldsAtSpacesUnder78() throws {
        let subject = (0..<400).map { "word\($0)" }.joined(separator: " ")
        #expect(subject.utf8.count > 2_000)
        var w = HeaderWriter()
        try w.unstructured("Subject", subject, source: "test")
        #expect(lines(w).count > 25)
        #expect(lines(w).allSatisfy { $0.utf8.count <= 78 })
        #expect(lines(w).dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(decodedHeader(w.text)["subject"] == subject)
    }

    @Test func nonASCIIBecomesShortEncodedWordsCutBetweenCharacters() throws {
        // Emoji (4 octets), CJK (3), a long combining sequence (one Character of 61 scalars), ZWJ families.
        let s = String(repeating: "Grüße 日本語 👩‍👩‍👧‍👦 ", count: 30) + "e" + String(repeating: "\u{301}", count: 60) + " end"
        var w = HeaderWriter()
        try w.unstructured("Subject", s, source: "test")
        #expect(lines(w).allSatisfy { $0.utf8.count <= 78 })
        let words = w.fields[0].value.split(separator: " ")
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.utf8.count <= 75 })
        // Each word is whole UTF-8 on its own: no sequence is split across two words.
        for word in words {
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
            #expect(String(validating: payload, as: UTF8.self) != nil)
        }
        #expect(decodedHeader(w.text)["subject"] == s)
    }

    @Test func unbreakableWordIsEncodedRatherThanWrittenOverlong() throws {
        let s = String(repeating: "a", count: 2_000)
        var w = HeaderWriter()
        try w.unstructured("X-Mailgun-Tag", s, source: "test")
        #expect(lines(w).allSatisfy { $0.utf8.count <= 78 })
        #expect(decodedHeader(w.text)["x-mailgun-tag"] == s)
        // What would otherwise be read as an encoded word, and edge spaces, are encoded too.
        for tricky in ["=?UTF-8?B?SGk=?=", " lead", "trail ", "two  spaces"] {
            var t = HeaderWriter()
            try t.unstructured("Subject", tricky, source: "test")
            #expect(t.fields[0].value.hasPrefix("=?UTF-8?B?"))
            #expect(decodedHeader(t.text)["subject"] == tricky)
        }
    }

    @Test func controlsAreRefusedFromEveryKindOfField() throws {
        for c in Self.forbidden {
            let bad = "tag\(Character(c))Bcc: evil@example.com"
            let attempts: [(String, (inout HeaderWriter) throws -> Void)] = [
                ("unstructured", { try $0.unstructured("X-Mailgun-Tag", bad, source: "campaign name") }),
                ("display name", { try $0.mailbox("From", address: "a@b.example", displayName: bad, source: "sending mailbox") }),
                ("address", { try $0.angleAddress("To", "a\(Character(c))@b.example", source: "recipient address") }),
                ("message id", { try $0.messageID("In-Reply-To", "<a\(Character(c))@b>", source: "previous message") }),
                ("uri", { try $0.uriList("List-Unsubscribe", ["https://u.example/\(Character(c))"], source: "unsubscribe link") }),
                ("token", { try $0.token("Feedback-ID", bad, source: "campaign name") }),
                ("json", { try $0.jsonObject("X-Mailgun-Variables", [(key: "campaign", value: bad, source: "campaign name")]) }),
            ]
            for (kind, attempt) in attempts {
                var w = HeaderWriter()
                let error = #expect(throws: SenderError.self, "\(kind) with U+\(String(c.value, radix: 16))") { try attempt(&w) }
                #expect(w.text.isEmpty && w.fields.isEmpty)
                let text = error?.description ?? ""
                #expect(text.contains("was not sent") && text.contains("U+"), "\(text)")
                // The error never carries the raw character itself (logs stay one line per event).
                #expect(!text.unicodeScalars.contains { HeaderWriter.isForbidden($0) }, "\(kind): \(text.debugDescription)")
            }
        }
        let e = #expect(throws: SenderError.self) { var w = HeaderWriter(); try w.unstructured("X-Mailgun-Tag", "tag\r\nBcc: x@y.example", source: "campaign name") }
        #expect(e?.description == "outgoing message: X-Mailgun-Tag header (campaign name): holds U+000D (CR) at position 4, which no header may carry; the message was not sent")
    }

    @Test func addressesAndDisplayNames() throws {
        var w = HeaderWriter()
        try w.mailbox("From", address: "jo@acme.example", displayName: "Jo Bloggs", source: "t")
        try w.mailbox("From", address: "jo@acme.example", displayName: #"Bloggs, Jo "JB" \ Ltd."#, source: "t")
        try w.mailbox("From", address: "jo@acme.example", displayName: "Jürgen Müller", source: "t")
        try w.mailbox("From", address: "jo@acme.example", displayName: nil, source: "t")
        #expect(w.fields.map(\.value) == ["Jo Bloggs <jo@acme.example>", #""Bloggs, Jo \"JB\" \\ Ltd." <jo@acme.example>"#,
                                           "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <jo@acme.example>", "jo@acme.example"])
        for bad in ["jürgen@acme.example", "jo bloggs@acme.example", "jo@acme.example>, <x@y.example", "jo@", "@acme.example",
                    "jo..x@acme.example", "jo@acme..example", "jo@acme_x.example"] {
            #expect(throws: SenderError.self, "\(bad)") { var v = HeaderWriter(); try v.angleAddress("To", bad, source: "recipient address") }
        }
        // A long quoted display name folds inside the quotes at its own spaces.
        var long = HeaderWriter()
        let name = (0..<40).map { "Dept.\($0)," }.joined(separator: " ")
        try long.mailbox("From", address: "jo@acme.example", displayName: name, source: "t")
        #expect(lines(long).count > 3 && lines(long).allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func listUnsubscribeStaysOnOneLineAndVariablesAreASCIIJSON() throws {
        var w = HeaderWriter()
        let url = "https://u.example.org/u/" + String(repeating: "t", count: 120)
        try w.uriList("List-Unsubscribe", [url, "mailto:a@b.example?subject=unsubscribe%20x"], source: "t")
        #expect(lines(w) == ["List-Unsubscribe: <\(url)>, <mailto:a@b.example?subject=unsubscribe%20x>"])

        let values = ["campaign": "Früh=?ling \"2026\" \\ 🌸 =?UTF-8?B?SGk=?=", "group": "g 1", "message_id": "<x@y>", "step": "0"]
        var v = HeaderWriter()
        try v.jsonObject("X-Mailgun-Variables", values.map { (key: $0.key, value: $0.value, source: "t") })
        let written = v.fields[0].value
        #expect(written.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
        #expect(!written.contains("=?"))
        // Folded at the separators; a JSON string cannot break, so its line may pass 78 (never 998).
        #expect(lines(v).count > 1 && lines(v).allSatisfy { $0.utf8.count <= 998 })
        let back = try JSONSerialization.jsonObject(with: Data(decodedHeader(v.text)["x-mailgun-variables"]!.utf8)) as? [String: String]
        #expect(back == values)
    }

    // MARK: through the builder

    let mailbox = SendingMailbox(address: "sam@acme-mail.example", displayName: "Sam", group: "g1", dailyMax: 100, interval: SecondsRange(30, 60))

    func build(campaign: String = "spring", email: String = "ann@example.net", subject: String = "Hi {{first_name}}",
               variables: [String: String] = ["first_name": "Ann"], mailbox: SendingMailbox? = nil, group: String = "g1") throws -> BuiltMessage {
        let m = OutboxMessage(row: 1, campaign: campaign, email: email, step: 0, group: "g1", timeZone: nil, state: .reserved, notBefore: 0,
                              mailbox: (mailbox ?? self.mailbox).address, messageID: nil, attempts: 0)
        return try testBuilder.build(record: MessageRecord(message: m, variables: variables, previousMessageID: nil),
                                     campaign: Campaign(id: campaign, steps: [CampaignStep(subject: subject, text: "Hello")]),
                                     mailbox: mailbox ?? self.mailbox, group: group, messageID: "<id1@acme-mail.example>", date: monday)
    }

    @Test func campaignNameCannotInjectHeadersOrEndTheHeaderSection() throws {
        // Finding 1 of issue #19: the campaign name reached X-Mailgun-Tag raw.
        for hostile in ["tag\r\nBcc: evil@example.com", "tag\r\n\r\n<h1>body</h1>", "tag\nBcc: evil@example.com", "tag\u{85}Bcc: x"] {
            let e = #expect(throws: SenderError.self) { try build(campaign: hostile) }
            #expect(e?.description.contains("(campaign name)") == true, "\(e?.description ?? "")")
        }
        // The other inputs that reach headers are refused the same way.
        #expect(throws: SenderError.self) { try build(email: "ann@example.net>\r\nBcc: <evil@example.com") }
        #expect(throws: SenderError.self) { try build(variables: ["first_name": "Ann\r\nBcc: evil@example.com"]) }
        #expect(throws: SenderError.self) { try build(group: "g1\r\nBcc: evil@example.com") }
        var m = mailbox
        m.displayName = "Sam\r\nBcc: evil@example.com"
        #expect(throws: SenderError.self) { try build(mailbox: m) }
        m.displayName = "Sam \u{202E}moc.elpmaxe"
        #expect(throws: SenderError.self) { try build(mailbox: m) }
        // A harmless name goes through, and the header section is exactly what was asked.
        let ok = try build(campaign: "spring-2026")
        #expect(ok.headers.map(\.name) == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "List-Unsubscribe",
                                            "List-Unsubscribe-Post", "X-Mailgun-Variables", "X-Mailgun-Tag", "Feedback-ID",
                                            "Content-Type", "Content-Transfer-Encoding"])
        #expect(ok.header("Feedback-ID") == "0:spring-2026:g1:reconcile")
    }

    @Test func twoThousandCharacterSubjectIsFoldedEverywhere() throws {
        let long = String(repeating: "Quick question about your pipeline ", count: 58)
        let built = try build(subject: "{{first_name}}: " + long, variables: ["first_name": "Ann"])
        let text = String(decoding: built.data, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.allSatisfy { $0.utf8.count <= 78 || $0.hasPrefix("List-Unsubscribe:") })
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(decodedHeader(text)["subject"] == ("Ann: " + long).trimmingCharacters(in: .whitespaces))
    }
}

/// Unfolds a header section and decodes values the way the writer encodes them:
/// a value of encoded words is the concatenation of their UTF-8 payloads.
func decodedHeader(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    let head = text.components(separatedBy: "\r\n\r\n")[0]
    for field in head.replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n") where !field.isEmpty {
        guard let colon = field.firstIndex(of: ":") else { continue }
        let value = String(field[field.index(after: colon)...].dropFirst())
        let words = value.split(separator: " ")
        if !words.isEmpty, words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) {
            let bytes = words.flatMap { Array(Data(base64Encoded: String($0.dropFirst(10).dropLast(2))) ?? Data()) }
            out[field[..<colon].lowercased()] = String(decoding: bytes, as: UTF8.self)
        } else {
            out[field[..<colon].lowercased()] = value
        }
    }
    return out
}
