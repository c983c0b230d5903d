import Foundation
import Sender
import Store
import Testing
import TestSupport

/// Several real `reconcile send` processes on one PostgreSQL outbox and one
/// real SMTP server that takes its time per message (issue #15): they share
/// the work (claims with SKIP LOCKED), every limit holds fleet-wide, and
/// workers SIGKILLed at random points never cause a second send.
@Suite(.serialized) struct PostgresSendersTests {
    static let binary = URL(fileURLWithPath: ReconcileBinary.path)

    /// Loose limits, so the SMTP server's delay is what bounds the rate.
    static func fleet(_ server: SMTPTestServer, mailboxes: Int, dailyMax: Int = 1_000, hourly: Int = 10_000) -> SendingFleet {
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: mailboxes, hourly: hourly, pause: SecondsRange(0.01, 0.02),
                              interval: SecondsRange(0.05, 0.06), dailyMax: dailyMax,
                              smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:MULTI_SMTP_PASSWORD")
        fleet.thresholds.minimumSample = 1_000_000
        return fleet
    }

    static func start(_ n: Int, state: PostgresURL, fleet: String, dir: URL, tag: String) throws -> [(Process, URL)] {
        try (0..<n).map { i in
            let p = Process()
            p.executableURL = binary
            p.arguments = ["send", "--state", state.connectionString, "--fleet", fleet, "--exit-when-idle"]
            p.environment = ["MULTI_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "multi-secret", "PATH": "/usr/bin:/bin"]
            let log = dir.appendingPathComponent("\(tag)-sender\(i).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardOutput = FileHandle.nullDevice
            p.standardError = try FileHandle(forWritingTo: log)
            try p.run()
            return (p, log)
        }
    }

    /// Waits for the senders off the cooperative pool; the time the last one took.
    static func finish(_ senders: [(Process, URL)], within seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while senders.contains(where: { $0.0.isRunning }) && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        for (p, _) in senders where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for (p, log) in senders {
            _ = try await offPool { p.waitUntilExit() }
            #expect(p.terminationReason == .exit && p.terminationStatus == 0,
                    "sender exited \(p.terminationStatus): \(String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self).suffix(2000))")
        }
    }

    static func enqueue(_ store: any SendingStore, count: Int, prefix: String) throws -> [String: Campaign] {
        let c = Campaign(id: "c-\(prefix)", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(count, prefix: prefix), now: Date().timeIntervalSince1970 - 1)
        return [c.id: c]
    }

    @Test func threeSendersShareTheWorkOfOneOutbox() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(delay: 0.4)
        defer { server.stop() }
        let dir = try temporaryDirectory("pg-senders")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(Self.fleet(server, mailboxes: 6)).write(to: URL(fileURLWithPath: fleetPath))

        var seconds: [Int: Double] = [:]
        for workers in [1, 3] {
            let url = try PostgresServer.freshDatabase()
            let store = try StateStore(postgres: url).sendingStore()
            _ = try Self.enqueue(store, count: 24, prefix: "w\(workers)-")
            let start = Date()
            try await Self.finish(try Self.start(workers, state: url, fleet: fleetPath, dir: dir, tag: "w\(workers)"), within: 120)
            seconds[workers] = Date().timeIntervalSince(start)
            #expect(try store.messages(state: .accepted).count == 24, "\(workers) worker(s) left mail unsent")
        }
        let received = server.received().compactMap { headers(of: $0)["to"] }
        #expect(received.count == 48 && Set(received).count == 48, "each recipient exactly once")
        let speedup = seconds[1]! / seconds[3]!
        print(String(format: "postgres senders: 24 mails at 0.4 s each: 1 worker %.1f s, 3 workers %.1f s (%.2fx)", seconds[1]!, seconds[3]!, speedup))
        // ≈3× in the benchmark (scripts/bench-senders); here only that the work is
        // shared at all, with room for process start-up on a loaded 2-core machine.
        #expect(speedup > 1.6, "3 workers took \(seconds[3]!) s against \(seconds[1]!) s for one")
    }

    @Test func workersKilledAtRandomNeverSendTwiceNorPastALimit() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer(delay: 0.15)
        defer { server.stop() }
        let dir = try temporaryDirectory("pg-kills")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Tight limits: 4 mailboxes × 6 a day = 24 of 40 recipients at most;
        // the group's hourly cap (20) binds first.
        let fleet = Self.fleet(server, mailboxes: 4, dailyMax: 6, hourly: 20)
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        let url = try PostgresServer.freshDatabase()
        let store = try StateStore(postgres: url).sendingStore()
        let campaigns = try Self.enqueue(store, count: 40, prefix: "k")
        let suppressed = (0..<40).filter { $0 % 7 == 3 }.map { "k\($0)@example.net" }
        for e in suppressed { try store.suppress(email: e, reason: "unsubscribe", source: "test", at: Date().timeIntervalSince1970) }

        var rng = SystemRandomNumberGenerator()
        var running = try Self.start(3, state: url, fleet: fleetPath, dir: dir, tag: "k0")
        var kills = 0
        let deadline = Date().addingTimeInterval(90)
        // Kill a random worker at a random moment and start a new one in its place, 6 times.
        for round in 1...6 where Date() < deadline {
            try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0.1...0.6, using: &rng) * 1e9))
            let i = Int.random(in: 0..<running.count, using: &rng)
            if running[i].0.isRunning { kill(running[i].0.processIdentifier, SIGKILL); kills += 1 }
            let dead = running.remove(at: i)
            _ = try await offPool { dead.0.waitUntilExit() }
            running += try Self.start(1, state: url, fleet: fleetPath, dir: dir, tag: "k\(round)")
        }
        // The survivors and a last worker, started after every kill, finish.
        running += try Self.start(1, state: url, fleet: fleetPath, dir: dir, tag: "k-last")
        try await Self.finish(running, within: 120)

        let rcpts = server.log().flatMap { ($0["rcpt"] as? [String]) ?? [] }.map { $0.lowercased() }
        #expect(Set(rcpts).count == rcpts.count, "a recipient got two mails: \(rcpts.sorted())")
        #expect(Set(rcpts).isDisjoint(with: suppressed), "mail to a suppressed recipient")
        let sends = try store.auditSends(campaigns: campaigns, reservations: try store.allReservations())
        #expect(LimitAudit(fleet: fleet).violations(sends).isEmpty, "\(LimitAudit(fleet: fleet).violations(sends))")
        #expect(sends.count <= 20, "the hourly cap is 20, \(sends.count) reservations")
        // Every reservation is accounted for: delivered, or an outcome left unknown by a kill (never retried).
        let unknown = try store.messages(state: .unknown).count, accepted = try store.messages(state: .accepted).count
        #expect(try store.messages(state: .attempting).isEmpty, "a killed worker's attempt was not recovered")
        #expect(rcpts.count >= accepted && rcpts.count <= accepted + unknown, "\(rcpts.count) delivered, \(accepted) accepted, \(unknown) unknown")
        print("postgres senders under kills: \(kills) workers killed, \(rcpts.count) delivered, \(unknown) unknown outcomes, \(sends.count) reservations")
    }
}
