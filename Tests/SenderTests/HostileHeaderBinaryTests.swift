import Foundation
import Sender
import Store
import Testing

/// Issue #19 through the real `reconcile` binary: `enqueue` a campaign from
/// YAML and CSV, `send` it to aiosmtpd, and read what Python's `email` parser
/// sees on the server's side.
@Suite(.serialized) struct HostileHeaderBinaryTests {
    static let binary = packageRoot.appendingPathComponent(".build/debug/reconcile")

    func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.environment = ["HOSTILE_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "hostile-secret", "PATH": "/usr/bin:/bin"]
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
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
        // The daemon logs why, one line per message: the header, the source, the character, never the raw input.
        let lines = send.stderr.split(separator: "\n").filter { $0.contains(": rejected ") }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.contains("not sent: outgoing message: Subject header (subject template of step 0 and its variables): holds U+000D (CR)") },
                "\(send.stderr)")
        #expect(!send.stderr.contains("Bcc: evil"))

        let parsed = server.parsed()
        #expect(parsed.count == 1)
        let p = try #require(parsed.first)
        let hs = (p["headers"] as? [[String: Any]]) ?? []
        #expect(!hs.contains { ($0["name"] as? String)?.lowercased() == "bcc" })
        let subject = hs.first { $0["name"] as? String == "Subject" }?["value"] as? String
        #expect(subject == "\(topic), Ann")
        let from = (hs.first { $0["name"] as? String == "From" }?["addresses"] as? [[String: String]])?.first
        #expect(from?["display_name"] == displayName)
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
