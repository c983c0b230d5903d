import Foundation
import Logging
import Sender
import ServiceLifecycle
import Store
import Testing

/// The send daemon as a `Service` in a real `ServiceGroup`, in-process,
/// against the real SMTP server: it ends the group once idle, and a
/// graceful shutdown lets the transaction in flight finish and be recorded.
@Suite(.serialized) struct SendServiceTests {
    let env = ["TEST_SMTP_PASSWORD": "pass", "TEST_UNSUB_SECRET": "service-secret"]

    func setUp(_ server: SMTPTestServer, recipients n: Int) throws -> (SQLiteSendingStore, URL, SendingFleet) {
        let (store, dir) = try makeSQLiteStore()
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 3, hourly: 100_000, pause: SecondsRange(0, 0.01),
                              interval: SecondsRange(0, 0.02), dailyMax: 100_000,
                              smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: "env:TEST_SMTP_PASSWORD")
        let c = Campaign(id: "svc", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(n), now: Date().timeIntervalSince1970 - 1)
        return (store, dir, fleet)
    }

    func group(_ service: SendService) -> ServiceGroup {
        ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func exitWhenIdleEndsTheGroupAfterSendingEverything() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir, fleet) = try setUp(server, recipients: 5)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = LogLines()
        let service = try SendService(fleet: fleet, store: store, transport: CurlSMTPTransport(environment: env, finalReplyTimeout: 20),
                                      exitWhenIdle: true, environment: env) { lines.add($0) }
        try await group(service).run()
        #expect(try store.messages(state: .accepted).count == 5)
        #expect(server.received().count == 5)
        #expect(lines.all.filter { $0.contains(" accepted 250 ") && $0.contains(", campaign svc step 1, from sender") }.count == 5)
        #expect(!lines.all.contains { $0.contains("stopped by signal") })
    }

    @Test func gracefulShutdownFinishesTheTransactionInFlight() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir, fleet) = try setUp(server, recipients: 2_000)
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = LogLines()
        let service = try SendService(fleet: fleet, store: store, transport: CurlSMTPTransport(environment: env, finalReplyTimeout: 20),
                                      environment: env) { lines.add($0) }
        let g = group(service)
        let running = Task { try await g.run() }
        let deadline = Date().addingTimeInterval(30)
        while lines.all.count < 3 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
        await g.triggerGracefulShutdown()
        try await running.value
        #expect(try store.messages(state: .attempting).isEmpty)
        #expect(try store.messages(state: .reserved).isEmpty)
        let accepted = try store.messages(state: .accepted).count
        #expect(accepted >= 3 && accepted < 2_000)
        #expect(server.received().count == accepted)
        #expect(lines.all.last == "send: stopped by signal after finishing the transaction in flight")
    }
}

/// Log lines written from the service's task, read from the test's.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
