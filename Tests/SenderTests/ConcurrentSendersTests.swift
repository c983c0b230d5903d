import Foundation
import Sender
import Store
import Testing
import TestSupport

/// Several real `reconcile send` processes on one state file and one SMTP
/// server: every limit holds across them, because the store checks the
/// limits inside the transaction that reserves the send.
@Suite(.serialized) struct ConcurrentSendersTests {
    static let binary = URL(fileURLWithPath: ReconcileBinary.path)

    @Test func threeSendersOnOneStateKeepEveryGapAndCap() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer()
        defer { server.stop() }
        let dir = try temporaryDirectory("concurrent")
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path
        // Short limits: g1 is bound by its hourly cap (6), g2 by its two
        // mailboxes' daily caps (3 each); pauses of 2 s, intervals of 5 s.
        var fleet = makeFleet(groups: 2, mailboxesPerGroup: 3, hourly: 6, pause: SecondsRange(2.0, 2.2), interval: SecondsRange(5.0, 5.5),
                              dailyMax: 100, smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:MULTI_SMTP_PASSWORD")
        fleet.groups[1].hourlyCap = 100
        fleet.mailboxes.removeAll { $0.address == "sender3@g2-d3.example" }
        for i in fleet.mailboxes.indices where fleet.mailboxes[i].group == "g2" { fleet.mailboxes[i].dailyMax = 3 }
        fleet.thresholds.minimumSample = 1_000_000
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        let store = SQLiteSendingStore(try StateStore(path: state))
        var campaigns: [String: Campaign] = [:]
        for g in ["g1", "g2"] {
            let c = Campaign(id: "c-\(g)", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
            campaigns[c.id] = c
            _ = try store.enqueue(campaign: c.record(group: g), recipients: recipients(20, prefix: "\(g)-"), now: Date().timeIntervalSince1970 - 1)
        }

        let senders = try (0..<3).map { i -> (Process, URL) in
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = ["send", "--state", state, "--fleet", fleetPath, "--exit-when-idle"]
            p.environment = ["MULTI_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "multi-secret", "PATH": "/usr/bin:/bin"]
            let log = dir.appendingPathComponent("sender\(i).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: log)
            try p.run()
            return (p, log)
        }
        let deadline = Date().addingTimeInterval(120)
        while senders.contains(where: { $0.0.isRunning }) && Date() < deadline { try await Task.sleep(nanoseconds: 200_000_000) }
        for (p, _) in senders where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for (p, log) in senders {
            p.waitUntilExit()
            #expect(p.terminationReason == .exit && p.terminationStatus == 0,
                    "sender exited \(p.terminationStatus): \(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).suffix(2000))")
        }

        // What the SMTP server recorded, by the time it stored each message.
        let log = server.log().compactMap { e -> (at: Double, from: String)? in
            guard let at = e["at"] as? Double, let from = e["mail_from"] as? String else { return nil }
            return (at, from.lowercased())
        }.sorted { $0.at < $1.at }
        let group = { (from: String) in from.contains("@g1-") ? "g1" : "g2" }
        #expect(log.filter { group($0.from) == "g1" }.count == 6, "g1's hourly cap is 6")
        #expect(log.filter { group($0.from) == "g2" }.count == 6, "g2's two mailboxes may send 3 each")
        #expect(Set(server.received().map { headers(of: $0)["to"] ?? "" }).count == 12, "nobody mailed twice")
        // Delivery times carry each send's own latency after its reservation
        // (a lock wait, the SMTP dialogue, on a loaded 2-core machine), so the
        // gaps are checked with half the lower bound as slack: two senders
        // racing for one slot send 0.0 s apart.
        for g in ["g1", "g2"] {
            let times = log.filter { group($0.from) == g }.map(\.at)
            for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 1.0, "group \(g) pause: \(b - a) s") }
        }
        for mailbox in Set(log.map(\.from)) {
            let times = log.filter { $0.from == mailbox }.map(\.at)
            for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= 2.5, "mailbox \(mailbox) interval: \(b - a) s") }
        }
        // And exactly, from the reservations all three wrote to the state.
        let audit = LimitAudit(fleet: fleet)
        let sends = try store.auditSends(campaigns: campaigns, reservations: try store.allReservations())
        #expect(sends.count == 12)
        #expect(audit.violations(sends).isEmpty, "\(audit.violations(sends))")
        let active = try senders.filter { (_, url) in String(decoding: try Data(contentsOf: url), as: UTF8.self).contains(" accepted ") }.count
        print("concurrent senders: \(active) of 3 sent; \(log.count) delivered")
    }
}
