import Foundation
import Providers
import Sender
import Store
import Testing
import TestSupport

/// The built `reconcile send` daemon against the real SMTP server, killed
/// with SIGKILL at random points: nothing is ever delivered twice and no
/// suppressed address is ever mailed.
@Suite(.serialized) struct CrashTests {
    static let binary = URL(fileURLWithPath: ReconcileBinary.path)

    func setUp(_ server: SMTPTestServer, recipients n: Int, suppressed: Set<String>) throws -> (dir: URL, state: String, fleet: String) {
        let dir = try temporaryDirectory("crash")
        let state = dir.appendingPathComponent("state.sqlite").path
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 3, hourly: 100_000, pause: SecondsRange(0, 0.02), interval: SecondsRange(0, 0.05),
                              dailyMax: 100_000, smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:CRASH_SMTP_PASSWORD")
        fleet.thresholds.minimumSample = 1_000_000
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        let store = SQLiteSendingStore(try StateStore(path: state))
        let c = Campaign(id: "crash", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(n), now: Date().timeIntervalSince1970 - 1)
        for s in suppressed { try store.suppress(email: s, reason: "unsubscribe", source: "test", at: Date().timeIntervalSince1970) }
        return (dir, state, fleetPath)
    }

    func launch(state: String, fleet: String, exitWhenIdle: Bool = true) throws -> Process {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["send", "--state", state, "--fleet", fleet] + (exitWhenIdle ? ["--exit-when-idle"] : [])
        p.environment = ["CRASH_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "crash-secret", "PATH": "/usr/bin:/bin"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test func sigkillAtFiftyRandomPointsNeverDuplicatesOrMailsSuppressed() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer()
        defer { server.stop() }
        let suppressed = Set((0..<300).filter { $0 % 11 == 5 }.map { "r\($0)@example.net" })
        let (dir, state, fleet) = try setUp(server, recipients: 300, suppressed: suppressed)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rng = SeededRandom(seed: 20_261_129)
        var kills = 0
        var batch = 0
        let feeder = SQLiteSendingStore(try StateStore(path: state))
        let c = Campaign(id: "crash", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
        for _ in 0..<200 where kills < 60 {
            let p = try launch(state: state, fleet: fleet)
            let wait = 0.05 + rng.nextUnit() * 0.45
            try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL); kills += 1
            } else {
                // It finished everything: queue more so the next kill lands mid-work.
                batch += 1
                _ = try feeder.enqueue(campaign: c.record(group: "g1"), recipients: recipients(100, prefix: "b\(batch)-"), now: Date().timeIntervalSince1970 - 1)
            }
            p.waitUntilExit()
        }
        // Finish the rest without interruption.
        let last = try launch(state: state, fleet: fleet)
        let deadline = Date().addingTimeInterval(120)
        while last.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 100_000_000) }
        if last.isRunning { kill(last.processIdentifier, SIGKILL) }
        last.waitUntilExit()

        #expect(kills >= 50)
        let store = SQLiteSendingStore(try StateStore(path: state))
        let received = server.received().map { headers(of: $0) }
        let byID = Dictionary(grouping: received, by: { $0["message-id"] ?? "" })
        let byTo = Dictionary(grouping: received, by: { $0["to"] ?? "" })
        #expect(byID.values.allSatisfy { $0.count == 1 }, "duplicate Message-IDs: \(byID.filter { $0.value.count > 1 }.keys)")
        #expect(byTo.values.allSatisfy { $0.count == 1 }, "recipients mailed twice: \(byTo.filter { $0.value.count > 1 }.keys)")
        #expect(!received.contains { h in suppressed.contains { "<\($0)>" == h["to"] } })
        let accepted = try store.messages(state: .accepted)
        let unknown = try store.messages(state: .unknown)
        // Every accepted message arrived; anything else that arrived is an `unknown` (killed after the dot).
        #expect(Set(accepted.compactMap(\.messageID)).isSubset(of: Set(byID.keys)))
        #expect(received.count <= accepted.count + unknown.count)
        #expect(accepted.count + unknown.count + suppressed.count == 300 + batch * 100)
        print("crash test: \(kills) kills, \(received.count) received, \(accepted.count) accepted, \(unknown.count) unknown")
    }

    @Test func sigtermFinishesTheTransactionInFlightAndStops() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (dir, state, fleet) = try setUp(server, recipients: 2_000, suppressed: [])
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = try launch(state: state, fleet: fleet, exitWhenIdle: false)
        try await Task.sleep(nanoseconds: 1_500_000_000)
        kill(p.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while p.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        let stopped = !p.isRunning
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        #expect(stopped)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        let store = SQLiteSendingStore(try StateStore(path: state))
        #expect(try store.messages(state: .attempting).isEmpty)
        #expect(try store.messages(state: .reserved).isEmpty)
        let accepted = try store.messages(state: .accepted).count
        #expect(accepted > 0 && accepted < 2_000)
        #expect(server.received().count == accepted)
    }
}
