import Foundation
import Inventory
import Sender
import Store
import Testing
import TestSupport

/// `reconcile send` / `status` as an operator runs them, on the repository's
/// inventory whose Mailgun pools point at a local SMTP server through
/// `smtp_endpoint:` / `smtp_ca_file:`.
@Suite(.serialized) struct SendCommandTests {
    static let binary = URL(fileURLWithPath: ReconcileBinary.path)

    /// A copy of `inventory/` relaying to `server` (the certificate beside it,
    /// named relative to the inventory), open every day, with second-long limits.
    struct Trial {
        let dir: URL
        let environment: [String: String]
        var inventory: String { dir.appendingPathComponent("inventory").path }
        var state: String { dir.appendingPathComponent("state.sqlite").path }

        init(server: SMTPTestServer, window: String = "{ hours: \"00:00-24:00\", days: [mon, tue, wed, thu, fri, sat, sun], timezone: UTC }") throws {
            dir = try temporaryDirectory("send-command")
            let inv = dir.appendingPathComponent("inventory")
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("inventory"), to: inv)
            try FileManager.default.copyItem(at: server.cert, to: inv.appendingPathComponent("smtp-ca.pem"))
            var fleet = try String(contentsOf: inv.appendingPathComponent("fleet.yaml"), encoding: .utf8)
            for region in ["us", "eu"] {
                fleet = fleet.replacingOccurrences(of: "  mailgun-\(region):\n", with: "  mailgun-\(region):\n    smtp_endpoint: \(server.url)\n    smtp_ca_file: smtp-ca.pem\n")
            }
            // The window block of fleet.yaml, replaced whole.
            let start = try #require(fleet.range(of: "  window:"))
            let end = try #require(fleet.range(of: "  disable_bounce_rate:"))
            fleet.replaceSubrange(start.lowerBound..<end.lowerBound, with: "  window: \(window)\n")
            fleet = fleet.replacingOccurrences(of: "pause: 30s-45s", with: "pause: 1s-1s").replacingOccurrences(of: "interval: 30s-60s", with: "interval: 1s-2s")
            try fleet.write(to: inv.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
            var env = ["PATH": "/usr/bin:/bin"]
            let loaded = try InventoryLoader().load(directory: inv.path).inventory
            for ref in loaded.secretReferences { env[ref.name] = "test-secret-\(ref.name.lowercased())" }
            environment = env
        }

        func run(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            let p = Process()
            p.executableURL = SendCommandTests.binary
            p.arguments = args
            p.environment = environment
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }

        func enqueue(_ csv: String) throws -> (status: Int32, stdout: String, stderr: String) {
            let campaign = dir.appendingPathComponent("campaign.yaml"), list = dir.appendingPathComponent("list.csv")
            try "campaign: trial\nsteps:\n  - subject: \"Hello {{first_name}}\"\n    text: \"Hi {{first_name}}\"\n"
                .write(to: campaign, atomically: true, encoding: .utf8)
            try csv.write(to: list, atomically: true, encoding: .utf8)
            return try run(["enqueue", "--campaign", campaign.path, "--recipients", list.path, "--group", "us-outreach",
                            "--inventory", inventory, "--state", state])
        }
    }

    @Test func sendRelaysToTheInventorysSMTPEndpointAndLogsWhoWhatAndTheReply() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(anyLogin: true)
        defer { server.stop() }
        let t = try Trial(server: server)
        defer { try? FileManager.default.removeItem(at: t.dir) }
        let enq = try t.enqueue("email,first_name\nann@example.net,Ann\nlater1@example.net,Lee\n")
        #expect(enq.status == 0, "\(enq.stdout)\n\(enq.stderr)")

        let send = try t.run(["send", "--inventory", t.inventory, "--state", t.state, "--exit-when-idle"])
        #expect(send.status == 0, "\(send.stderr)")
        let received = server.received().map { headers(of: $0) }
        #expect(received.map { $0["to"] ?? "" } == ["<ann@example.net>"])
        // Every message went over TLS with a login, to the endpoint of the inventory.
        #expect(server.log().allSatisfy { ($0["tls"] as? Bool) == true && ($0["auth"] as? Bool) == true })
        let lines = send.stderr.split(separator: "\n").map(String.init)
        let accepted = try #require(lines.first { $0.contains(" accepted ") })
        #expect(accepted.contains(": to ann@example.net, campaign trial step 1, from "))
        #expect(accepted.contains("(group us-outreach, accepted)"))
        let deferred = try #require(lines.first { $0.contains(" deferred ") }, "\(send.stderr)")
        #expect(deferred.contains("deferred 450 4.2.1 <later1@example.net>: Mailbox busy, try again later: to later1@example.net, campaign trial step 1, from "))
        #expect(deferred.contains("(group us-outreach, rcpt)"))
        #expect(!send.stderr.contains("sent row"))
        #expect(!send.stderr.contains("test-secret-"), "no secret in the log")
    }

    @Test func anIdleDaemonSaysWhenTheWindowOpens() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(anyLogin: true)
        defer { server.stop() }
        // Open only on the weekday three days from now (UTC): closed now and for the next minute.
        let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let inThreeDays = cal.date(byAdding: .day, value: 3, to: Date())!
        let day = names[cal.component(.weekday, from: inThreeDays) - 1]
        let t = try Trial(server: server, window: "{ hours: \"00:00-24:00\", days: [\(day)], timezone: UTC }")
        defer { try? FileManager.default.removeItem(at: t.dir) }
        #expect(try t.enqueue("email,first_name\nann@example.net,Ann\n").status == 0)
        let send = try t.run(["send", "--inventory", t.inventory, "--state", t.state, "--exit-when-idle"])
        #expect(send.status == 0, "\(send.stderr)")
        let opens = UTCDay.format(cal.startOfDay(for: inThreeDays).timeIntervalSince1970) + " 00:00 UTC"
        #expect(send.stderr.contains("waiting: group us-outreach: the sending window opens at \(opens)"), "\(send.stderr)")
        #expect(server.received().isEmpty)
    }

    @Test func statusListsDisabledAndHeldMailboxesByAddressWithReasonAndSince() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(anyLogin: true)
        defer { server.stop() }
        let t = try Trial(server: server)
        defer { try? FileManager.default.removeItem(at: t.dir) }
        let store = SQLiteSendingStore(try StateStore(path: t.state))
        let since = UTCDay.parse("2026-12-01")! + 9 * 3600 + 30 * 60
        try store.updateMailboxHealth(MailboxHealthRecord(address: "alice@acme-mail.com", enabled: false,
                                                          reason: "bounce rate 12.0% (6 of 50) over 7 days is above 10.0%", changedAt: since), event: nil)
        try store.updateMailboxHealth(MailboxHealthRecord(address: "bob@acme-mail.com", enabled: true, changedAt: since,
                                                          heldStage: 2, heldSince: since + 3600), event: nil)
        let status = try t.run(["status", "--inventory", t.inventory, "--state", t.state])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("  disabled alice@acme-mail.com since 2026-12-01 09:30 UTC: bounce rate 12.0% (6 of 50) over 7 days is above 10.0%"),
                "\(status.stdout)")
        #expect(status.stdout.contains("  held bob@acme-mail.com at stage 3 since 2026-12-01 10:30 UTC: bounce rate"), "\(status.stdout)")
    }
}
