import Foundation
import Sender
import Store
import Testing

/// Issue #19 through the real `reconcile` binary: `enqueue` a campaign from
/// YAML and CSV, `send` it to aiosmtpd, and read what Python's `email` parser
/// sees on the server's side.
@Suite(.serialized) struct HostileHeaderBinaryTests {
    static let binary = reconcileBinary

    func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
        try runReconcile(args, environment: ["HOSTILE_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "hostile-secret"])
    }

    /// The reply text stored for a message, read with Python's sqlite3 (the test target does not link GRDB).
    func replyText(state: String, row: Int64) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT reply_text FROM sending_message WHERE row_id = ?', (int(sys.argv[2]),)).fetchone()[0], end='')",
                       state, String(row)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func setUp(_ server: SMTPTestServer, displayName: String) throws -> (dir: URL, state: String, fleet: String) {
        let dir = try temporaryDirectory("hostile")
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 1, hourly: 100_000, pause: SecondsRange(0, 0), interval: SecondsRange(0, 0),
                              dailyMax: 100_000, smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:HOSTILE_SMTP_PASSWORD")
        fleet.mailboxes[0].displayName = displayName
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        return (dir, dir.appendingPathComponent("state.sqlite").path, fleetPath)
    }

    @Test func longSubjectNonASCIISenderAndCRLFVariablesReachTheWireSafely() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(parse: true)
        defer { server.stop() }
        let displayName = "Jürgen Müller-Lüdenscheidt (Vertrieb, \"Süd\") ☕"
        let (dir, state, fleet) = try setUp(server, displayName: displayName)
        defer { try? FileManager.default.removeItem(at: dir) }
        let campaign = dir.appendingPathComponent("campaign.yaml")
        try """
            campaign: hostile-headers
            steps:
              - subject: "{{topic}}, {{first_name}}"
                text: "Hi {{first_name}}"
            """.write(to: campaign, atomically: true, encoding: .utf8)
        // Finding 2: a subject of about 2,000 characters went out as one line (500 Line too long,
        // a final reject). Template variables from CSV columns may hold CR/LF.
        let topic = String(repeating: "Quick question about your Q3 pipeline ", count: 52).trimmingCharacters(in: .whitespaces)
        #expect(topic.count > 1_950)
        let csv = dir.appendingPathComponent("recipients.csv")
        try "email,first_name,topic\r\nlong@example.net,Ann,\(topic)\r\ncrlf@example.net,\"Bob\r\nBcc: evil@example.com\",hello\r\nsplit@example.net,\"Cy\r\n\r\n<h1>x</h1>\",hi\r\n"
            .write(to: csv, atomically: true, encoding: .utf8)
        let enq = try run(["enqueue", "--campaign", campaign.path, "--recipients", csv.path, "--group", "g1", "--state", state, "--fleet", fleet])
        #expect(enq.status == 0, "\(enq.stderr)")
        let send = try run(["send", "--state", state, "--fleet", fleet, "--exit-when-idle"])
        #expect(send.status == 0, "\(send.stderr)")

        let store = SQLiteSendingStore(try StateStore(path: state))
        #expect(try store.messages(state: .accepted).map(\.email) == ["long@example.net"])
        let refused = try store.messages(state: .rejected)
        #expect(Set(refused.map(\.email)) == ["crlf@example.net", "split@example.net"])
        // Each refusal is recorded with the header, the source and the character, never the raw input.
        for m in refused {
            let text = try replyText(state: state, row: m.row)
            #expect(text.hasPrefix("not sent: outgoing message: Subject header (subject template of step 0 and its variables): holds U+000D (CR)"),
                    "\(text)")
        }
        #expect(!send.stderr.contains("Bcc: evil"))

        let parsed = server.parsed()
        #expect(parsed.count == 1)
        let p = try #require(parsed.first)
        let hs = (p["headers"] as? [[String: Any]]) ?? []
        #expect(!hs.contains { ($0["name"] as? String)?.lowercased() == "bcc" })
        let subject = hs.first { $0["name"] as? String == "Subject" }?["value"] as? String
        #expect(subject == "\(topic), Ann")
        // Decoded by RFC 2047 (Python's policy=default phrase parser keeps the space between encoded words).
        #expect(hs.first { $0["name"] as? String == "From" }?["rfc2047_names"] as? [String] == [displayName])
        #expect(hs.allSatisfy { ($0["defects"] as? [String])?.isEmpty == true })
        #expect((p["max_line"] as? Int ?? .max) <= 998)
        let raw = try #require(server.received().first)
        let head = raw.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head.allSatisfy { $0.utf8.count <= 78 || $0.hasPrefix("List-Unsubscribe:") })
    }

    /// Finding 1: a campaign name with CR/LF was written raw into X-Mailgun-Tag. `enqueue`
    /// may refuse such names; a row already in the outbox (an older version's, another
    /// writer's) still reaches the builder, which refuses it rather than injecting a `Bcc:`.
    @Test func campaignNameWithCRLFInTheOutboxIsNeverWritten() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(parse: true)
        defer { server.stop() }
        let (dir, state, fleet) = try setUp(server, displayName: "Sam")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = SQLiteSendingStore(try StateStore(path: state))
        for name in ["tag\r\nBcc: evil@example.com", "tag\r\n\r\n<h1>body</h1>", "fine-campaign"] {
            let c = Campaign(id: name, steps: [CampaignStep(subject: "Hello", text: "Hi")])
            _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: [Enrollment(email: "r\(name.count)@example.net", timeZone: nil, variables: [:])],
                                  now: Date().timeIntervalSince1970 - 1)
        }
        let send = try run(["send", "--state", state, "--fleet", fleet, "--exit-when-idle"])
        #expect(send.status == 0, "\(send.stderr)")
        let accepted = try store.messages(state: .accepted)
        #expect(accepted.map(\.campaign) == ["fine-campaign"])
        #expect(try store.messages(state: .rejected).count == 2)
        let parsed = server.parsed()
        #expect(parsed.count == 1)
        for p in parsed {
            let names = ((p["headers"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            #expect(!names.contains { $0.lowercased() == "bcc" })
            #expect(names.filter { $0 == "X-Mailgun-Tag" }.count == 1)
        }
        #expect(server.log().allSatisfy { ($0["rcpt"] as? [String]) == ["r13@example.net"] })
    }
}
