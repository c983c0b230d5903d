import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Monitor
import Providers
import Sandbox
import Sender
import ServiceLifecycle
import Store
import Testing

/// The alerter against the Telegram emulator over real HTTP, on a real state file.
@Suite(.serialized) struct AlerterTests {
    static let token = "4242:TEST-alert-bot-token-secret"
    static let chat = "-1009876543210"

    /// An alerter on its own task; `stop` shuts it down gracefully.
    struct Running {
        let group: ServiceGroup
        let task: Task<Void, any Error>
        func stop() async {
            await group.triggerGracefulShutdown()
            _ = await task.result
        }
    }

    static func run(_ alerter: Alerter) -> Running {
        let group = ServiceGroup(services: [alerter], gracefulShutdownSignals: [], logger: .init(label: "alerter-test"))
        return Running(group: group, task: Task { try await group.run() })
    }

    static func alerter(_ state: String, _ emulator: TelegramEmulator, log: LockedLines,
                        backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: 0.2, maxDelay: 0.5, totalBudget: .infinity)) throws -> Alerter {
        let client = TelegramClient(botToken: token, endpoint: emulator.url, retry: .none, timeout: 5)
        return Alerter(store: AlertStore(try StateStore(path: state)), sink: TelegramAlertSink(client: client, chatID: chat),
                       pacing: AlertPacing(minInterval: 1, perMinute: 20), backoff: backoff, tick: 0.05) { log.append($0) }
    }

    /// Opens and clears per condition, summed over everything delivered (single messages and digests).
    static func tally(_ texts: [String]) -> (opened: Int, cleared: Int) {
        var opened = 0, cleared = 0
        for t in texts {
            if t.hasPrefix("ALERT ") { opened += 1 }
            if t.hasPrefix("CLEARED ") { cleared += 1 }
            for line in t.split(separator: "\n") where line.hasPrefix("- ") {
                if let r = line.range(of: #"opened (\d+)×"#, options: .regularExpression) { opened += Int(line[r].dropFirst(7).dropLast())! }
                if let r = line.range(of: #"cleared (\d+)×"#, options: .regularExpression) { cleared += Int(line[r].dropFirst(8).dropLast())! }
            }
        }
        return (opened, cleared)
    }

    @Test func flappingMailboxGivesPairedOpenAndClearWithinTelegramsLimits() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path
        // The emulator enforces Telegram's per-chat flood control: a second message within 1 s gets a 429.
        let emulator = try await TelegramEmulator.start(token: Self.token, chatIDs: [Self.chat], minInterval: 1)
        let log = LockedLines()
        let running = Self.run(try Self.alerter(state, emulator, log: log))
        let sending = SQLiteSendingStore(try StateStore(path: state))
        let started = Date()
        // The sender disables the mailbox and the operator re-enables it, 100 times over ~2 s.
        for i in 0..<100 {
            let now = Date().timeIntervalSince1970
            try sending.updateMailboxHealth(MailboxHealthRecord(address: "ann@alpha.example", enabled: false, reason: "bounce rate", changedAt: now),
                                            event: SendingEvent(at: now, kind: .mailboxDisabled, mailbox: "ann@alpha.example", detail: "bounce rate 12% (flap \(i))"))
            // What `enable-mailbox` records (the fleet check aside).
            try sending.updateMailboxHealth(MailboxHealthRecord(address: "ann@alpha.example", enabled: true, reason: "enabled by operator: flap \(i)", changedAt: now),
                                            event: SendingEvent(at: now, kind: .mailboxEnabled, mailbox: "ann@alpha.example", detail: "flap \(i)"))
            try await Task.sleep(for: .milliseconds(20))
        }
        let alerts = AlertStore(try StateStore(path: state))
        let drained = try await eventually(within: 20) { try alerts.depth() == 0 && alerts.all().count == 200 }
        let elapsed = Date().timeIntervalSince(started)
        await running.stop()
        let texts = try await Self.readSent(emulator)
        await emulator.stop()
        #expect(drained)
        // Every change told, as pairs: 100 opens and 100 clears, ending cleared.
        let t = Self.tally(texts)
        #expect(t.opened == 100 && t.cleared == 100)
        #expect(texts.last.map { $0.contains("now clear") || $0.hasPrefix("CLEARED") } == true)
        // Never a flood: at most one message a second (the emulator refused none), far fewer than the 200 changes.
        #expect(texts.count <= Int(elapsed.rounded(.up)) + 1)
        #expect(texts.count <= 20)
        #expect(!log.all.contains { $0.contains("429") || $0.contains("failed") }, "\(log.all)")
        #expect(try alerts.openConditions().isEmpty)
    }

    @Test func restartNeitherRepeatsNorLosesAnAlert() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path
        let emulator = try await TelegramEmulator.start(token: Self.token, chatIDs: [Self.chat])
        let log = LockedLines()
        let alerts = AlertStore(try StateStore(path: state))
        let now = Date().timeIntervalSince1970
        try alerts.apply(AlertConditions.apply(succeeded: false, summary: "porkbun: HTTP 500"), at: now)
        var running = Self.run(try Self.alerter(state, emulator, log: log))
        #expect(try await eventually(within: 10) { emulator.sent.count == 1 })
        await running.stop()
        // While it is down: the same condition raised again (nothing new) and drift found (new).
        #expect(try alerts.apply(AlertConditions.apply(succeeded: false, summary: "porkbun: HTTP 500 again"), at: now + 1) == false)
        try alerts.apply(AlertConditions.drift(found: true, summary: "drift: 2 records differ"), at: now + 2)
        // A new process on the same file delivers only what was not delivered.
        running = Self.run(try Self.alerter(state, emulator, log: log))
        #expect(try await eventually(within: 10) { emulator.sent.count == 2 })
        try await Task.sleep(for: .seconds(1.5))
        await running.stop()
        let texts = try await Self.readSent(emulator)
        await emulator.stop()
        #expect(texts.count == 2)
        #expect(texts[0].hasPrefix("ALERT apply-failed") && texts[0].contains("HTTP 500"))
        #expect(texts[1].hasPrefix("ALERT drift-found"))
        #expect(try alerts.depth() == 0)
        #expect(Set(try alerts.openConditions().map(\.key)) == ["apply-failed", "drift-found"])
    }

    @Test func failedDeliveriesAreRetriedWithBackoffUntilDelivered() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path
        // Half the requests answer 500 before doing anything; three more are refused by flood control.
        let emulator = try await TelegramEmulator.start(token: Self.token, chatIDs: [Self.chat],
                                                        faults: FaultProfile(serverError: 0.5), seed: 7)
        emulator.floodNext(3, retryAfter: 1)
        let log = LockedLines()
        let alerts = AlertStore(try StateStore(path: state))
        let now = Date().timeIntervalSince1970
        for i in 0..<5 { try alerts.apply(.open(key: "test-\(i)", summary: "condition \(i)"), at: now + Double(i)) }
        let running = Self.run(try Self.alerter(state, emulator, log: log))
        let delivered = try await eventually(within: 30) { try alerts.depth() == 0 }
        await running.stop()
        let texts = emulator.sent.map(\.text)
        await emulator.stop()
        #expect(delivered)
        #expect(log.all.contains { $0.contains("retrying in") }, "no failure was injected: \(log.all)")
        // Each condition told exactly once however often delivery failed.
        #expect(Self.tally(texts).opened == 5)
        for i in 0..<5 { #expect(texts.joined(separator: "\n").components(separatedBy: "test-\(i)").count == 2) }
    }

    @Test func aBadTokenIsRetriedAndNeverPrinted() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite").path
        let emulator = try await TelegramEmulator.start(token: "1:other-token", chatIDs: [Self.chat])
        let log = LockedLines()
        let alerts = AlertStore(try StateStore(path: state))
        try alerts.notice(key: "test", text: "reconcile alert test", at: Date().timeIntervalSince1970)
        let running = Self.run(try Self.alerter(state, emulator, log: log))
        #expect(try await eventually(within: 10) { (try alerts.all().first?.attempts ?? 0) >= 2 })
        await running.stop()
        await emulator.stop()
        let queued = try alerts.all()
        #expect(queued.count == 1 && queued[0].sentAt == nil)
        #expect(queued[0].lastError?.contains("401") == true || queued[0].lastError?.contains("Unauthorized") == true)
        #expect(!(queued[0].lastError ?? "").contains(Self.token))
        #expect(!log.all.joined().contains(Self.token))
    }

    /// The emulator keeps what it received, readable over HTTP.
    static func readSent(_ emulator: TelegramEmulator) async throws -> [String] {
        let (data, _) = try await URLSession.shared.data(from: emulator.url.appendingPathComponent("sent"))
        return try JSONDecoder().decode([TelegramEmulator.Sent].self, from: data).map(\.text)
    }
}
