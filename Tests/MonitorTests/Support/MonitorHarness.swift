import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import Monitor
import Providers
import Sandbox
import Sender
import ServiceLifecycle
import Store

/// `serve`'s HTTP service with the real routes over a real SQLite file, on
/// 127.0.0.1 with a kernel-chosen port, in a real `ServiceGroup`; `stop()`
/// shuts it down gracefully. No part of our code is replaced.
final class MonitorHarness: @unchecked Sendable {
    static let domain = "g1-d1.example"
    static let signingKey = "test-signing-key-0123456789"
    static let unsubscribeSecret = "test-unsubscribe-secret"
    static let mailbox = "sender1@g1-d1.example"

    let dir: URL
    let store: SQLiteSendingStore
    let fleet: SendingFleet
    let intake: WebhookIntake
    let link = UnsubscribeLink(baseURL: "https://hooks.example.org/u", secret: unsubscribeSecret)
    let logLines = Locked<[String]>([])
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    init(minimumSample: Int = 10, settings: WebhookIntake.Settings = .init()) async throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = SQLiteSendingStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
        var mailboxes: [SendingMailbox] = []
        for m in 1...2 {
            mailboxes.append(SendingMailbox(address: "sender\(m)@g1-d\(m).example", group: "g1", dailyMax: 1000, interval: SecondsRange(0, 0)))
        }
        fleet = SendingFleet(groups: [SendingGroup(name: "g1", hourlyCap: 10_000, pause: SecondsRange(0, 0))], mailboxes: mailboxes,
                             thresholds: HealthBands(disableBounceRate: 0.10, minimumSample: minimumSample, healthyComplaintRate: 0.003),
                             unsubscribe: UnsubscribeSettings(baseURL: "https://hooks.example.org/u", secret: "env:TEST_UNSUB"))
        let lines = logLines
        intake = WebhookIntake(keys: WebhookKeys(byDomain: [Self.domain: Self.signingKey, "g1-d2.example": Self.signingKey]),
                               store: store, fleet: fleet, settings: settings) { l in lines.withValue { $0.append(l) } }
        let routes: [any MonitorRoutes] = [WebhookRoutes(intake: intake),
                                           UnsubscribeRoutes(link: link, store: store) { l in lines.withValue { $0.append(l) } }]
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let service = MonitorHTTPService(host: "127.0.0.1", port: 0, routes: routes, logger: quiet) { port in
            continuation.yield(port); continuation.finish()
        }
        group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: quiet)
        let g = group
        task = Task { try await g.run() }
        var it = ports.makeAsyncIterator()
        port = await it.next() ?? -1
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: requests

    struct Reply { var status: Int; var body: String }

    func post(_ path: String, body: Data, contentType: String? = "application/json") async throws -> Reply {
        var r = URLRequest(url: URL(string: base + path)!)
        r.httpMethod = "POST"
        if let contentType { r.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        r.httpBody = body
        r.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: r)
        return Reply(status: (response as! HTTPURLResponse).statusCode, body: String(decoding: data, as: UTF8.self))
    }

    func get(_ path: String) async throws -> Reply {
        let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
        return Reply(status: (response as! HTTPURLResponse).statusCode, body: String(decoding: data, as: UTF8.self))
    }

    // MARK: payloads

    /// A signed JSON webhook as Mailgun sends it.
    static func webhook(_ event: MailgunEvent, key: String = signingKey, at: Date = Date()) -> Data {
        let payload = MailgunWebhookPayload(signature: MailgunWebhookDispatcher.sign(key: key, now: at), eventData: event)
        return try! JSONEncoder().encode(payload)
    }

    static func event(_ name: String, id: String = UUID().uuidString, recipient: String = "someone@example.net",
                      messageID: String? = nil, severity: String? = nil, reason: String? = nil, from: String = mailbox) -> MailgunEvent {
        MailgunEvent(event: name, id: id, timestamp: Date().timeIntervalSince1970, severity: severity, reason: reason, recipient: recipient,
                     message: .init(headers: .init(to: recipient, from: from, messageID: messageID.map(MailgunMessageID.bare))),
                     envelope: ["sender": .string(from)])
    }

    /// `n` messages sent (accepted by the relay) from `mailbox`, with their Message-IDs.
    func sentMessages(_ n: Int, mailbox: String = MonitorHarness.mailbox, prefix: String = "r", steps: Int = 1) throws -> [OutboxMessage] {
        let campaign = CampaignRecord(id: "c-\(prefix)", group: "g1", definition: "{}", stepDelays: Array(repeating: 60, count: steps),
                                      stopOnReply: true, stopOnBounce: true)
        let now = Date().timeIntervalSince1970
        _ = try store.enqueue(campaign: campaign, recipients: (0..<n).map { Enrollment(email: "\(prefix)\($0)@example.net", timeZone: nil, variables: [:]) },
                              now: now - 10)
        var out: [OutboxMessage] = []
        for m in try store.messages(state: .planned) where m.campaign == campaign.id {
            let id = "<\(prefix)\(m.row).\(UUID().uuidString.prefix(8))@\(mailbox.split(separator: "@")[1])>"
            guard case .reserved = try store.reserve(Reservation(messageRow: m.row, mailbox: mailbox, group: "g1", at: now - 5,
                                                                 mailboxNextAt: now - 5, groupNextAt: now - 5, messageID: id)) else { continue }
            try store.markAttempting(row: m.row, at: now - 4)
            try store.settle(row: m.row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "ok", phase: "http"), at: now - 3)
            var sent = m
            sent.messageID = id
            sent.mailbox = mailbox
            out.append(sent)
        }
        return out
    }
}

extension MonitorHarness {
    /// Runs `body` against a fresh harness and always stops it.
    static func with(minimumSample: Int = 10, settings: WebhookIntake.Settings = .init(),
                     _ body: (MonitorHarness) async throws -> Void) async throws {
        let h = try await MonitorHarness(minimumSample: minimumSample, settings: settings)
        do { try await body(h) } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }
}
