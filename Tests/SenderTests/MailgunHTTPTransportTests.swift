import Foundation
import Sender
import Store
import Testing

/// The thin Mailgun HTTP transport against a real HTTP server on loopback that
/// answers like Mailgun's `messages.mime` (200 queued, 400 bad request, 500).
@Suite(.serialized) struct MailgunHTTPTransportTests {
    static let server = """
        import http.server, json, os, signal, sys
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        out = sys.argv[1]
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                n = len(os.listdir(out))
                with open(os.path.join(out, "%03d.req" % n), "wb") as f:
                    f.write((self.path + "\\n" + self.headers.get("Authorization", "") + "\\n").encode() + body)
                code = 400 if b"to\\"\\r\\n\\r\\nbad" in body else 500 if b"to\\"\\r\\n\\r\\nboom" in body else 200
                reply = json.dumps({"id": "<mg-%d@example>" % n, "message": "Queued. Thank you."} if code == 200 else {"message": "no"}).encode()
                self.send_response(code); self.send_header("Content-Length", str(len(reply))); self.end_headers(); self.wfile.write(reply)
            def log_message(self, *a): pass
        s = http.server.HTTPServer(("127.0.0.1", 0), H)
        print("PORT %d" % s.server_address[1], flush=True)
        s.serve_forever()
        """

    @Test func postsTheSameMIMEBytesAndClassifiesReplies() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", Self.server, dir.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        let port = try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(5)))

        let transport = MailgunHTTPTransport(baseURL: "http://127.0.0.1:\(port)", apiKey: "env:MG_KEY", environment: ["MG_KEY": "key-123"])
        let mailbox = SendingMailbox(address: "alice@acme-mail.example", displayName: "Alice", group: "g1", dailyMax: 10, interval: SecondsRange(1, 1))
        let group = SendingGroup(name: "g1", hourlyCap: 10, pause: SecondsRange(1, 1))
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "Hello", text: "Hi")])
        func message(_ to: String) throws -> BuiltMessage {
            let m = OutboxMessage(row: 1, campaign: "c", email: to, step: 0, group: "g1", timeZone: nil, state: .reserved, notBefore: 0,
                                  mailbox: mailbox.address, messageID: nil, attempts: 0)
            return try testBuilder.build(record: MessageRecord(message: m, variables: [:], previousMessageID: nil), campaign: c,
                                         mailbox: mailbox, group: "g1", messageID: "<id-\(to)>", date: monday)
        }
        let ok = try message("ann@example.net")
        let r1 = await transport.send(ok, mailbox: mailbox, group: group)
        #expect(r1.state == .accepted && r1.code == 200 && r1.text.contains("Queued"))
        #expect(await transport.send(try message("bad@example.net"), mailbox: mailbox, group: group).state == .rejected)
        #expect(await transport.send(try message("boom@example.net"), mailbox: mailbox, group: group).state == .deferred)
        let missingKey = MailgunHTTPTransport(baseURL: "http://127.0.0.1:\(port)", apiKey: "env:MG_NOPE", environment: [:])
        let r4 = await missingKey.send(ok, mailbox: mailbox, group: group)
        #expect(r4.state == .deferred && r4.text.contains("MG_NOPE"))

        // Without a fixed account the group's own pool is used.
        var pooled = group
        pooled.mailgun = MailgunAPI(baseURL: "http://127.0.0.1:\(port)", apiKey: "env:MG_KEY")
        #expect(await MailgunHTTPTransport(environment: ["MG_KEY": "key-123"]).send(ok, mailbox: mailbox, group: pooled).state == .accepted)
        #expect(await MailgunHTTPTransport(environment: ["MG_KEY": "key-123"]).send(ok, mailbox: mailbox, group: group).state == .deferred)

        let first = try String(contentsOf: dir.appendingPathComponent("000.req"), encoding: .isoLatin1)
        #expect(first.hasPrefix("/v3/acme-mail.example/messages.mime\nBasic \(Data("api:key-123".utf8).base64EncodedString())\n"))
        #expect(first.contains(String(decoding: ok.data, as: UTF8.self)))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).count == 4)
    }
}
