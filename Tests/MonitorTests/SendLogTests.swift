import Foundation
import Logging
import Monitor
import Sender
import ServiceLifecycle
import Store
import Testing

/// The structured send log: JSON lines, recipients hashed unless asked otherwise.
@Suite struct SendLogTests {
    static func logger(_ lines: LockedLines) -> Logger {
        Logger(label: "reconcile.send") { JSONLineLogHandler(label: $0) { lines.append($0) } }
    }

    static func decode(_ line: String) throws -> [String: String] {
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        return try JSONDecoder().decode([String: String].self, from: Data(line.utf8))
    }

    @Test func eachEventIsOneJSONLineWithTheRecipientHashed() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = SQLiteSendingStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
        // An event from before the tail started is not logged again.
        try store.record(event: SendingEvent(at: mondayMorning - 10, kind: .reply, email: "old@example.net", mailbox: "ann@alpha.example"))
        let lines = LockedLines()
        let tail = SendEventTail(store: store, log: SendLog(logger: Self.logger(lines)), interval: 0.05, afterID: try store.lastEventID())
        let group = ServiceGroup(services: [tail], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        let task = Task { try await group.run() }
        try store.record(event: SendingEvent(at: mondayMorning, kind: .complaint, email: "Carol@Example.NET", mailbox: "ann@alpha.example",
                                             messageID: "<m1@test>", detail: "abuse report"))
        try store.suppress(email: "x@example.net", reason: "manual", source: nil, at: mondayMorning)
        _ = await eventually(within: 10) { lines.all.count >= 1 }
        await group.triggerGracefulShutdown()
        _ = await task.result
        #expect(lines.all.count == 1)
        let fields = try Self.decode(try #require(lines.all.first))
        #expect(fields["event"] == "complaint")
        #expect(fields["recipient"] == ErasedRecipient.hash("carol@example.net"))
        #expect(fields["mailbox"] == "ann@alpha.example" && fields["message_id"] == "<m1@test>" && fields["detail"] == "abuse report")
        #expect(fields["level"] == "info" && fields["ts"] != nil)
        #expect(!lines.all.joined().lowercased().contains("carol@example.net"))
    }

    @Test func aSendAttemptNamesTheRecipientOnlyWhenAsked() throws {
        // Revealed as given; otherwise the erasure hash of the normalised address.
        let lines = LockedLines()
        let result = TransportResult(state: .rejected, code: 550, text: "5.1.1 no such user", phase: .rcpt, hardBounce: true)
        for reveal in [false, true] {
            let log = SendLog(logger: Self.logger(lines), logRecipients: reveal)
            log.attempt(row: 7, group: "g1", mailbox: "ann@alpha.example", email: "Dave@Example.net", result)
        }
        let hashed = try Self.decode(lines.all[0]), plain = try Self.decode(lines.all[1])
        #expect(hashed["recipient"] == ErasedRecipient.hash("dave@example.net"))
        #expect(plain["recipient"] == "Dave@Example.net")
        #expect(hashed["event"] == "send" && hashed["result"] == "rejected" && hashed["code"] == "550")
        #expect(hashed["phase"] == "rcpt" && hashed["hard_bounce"] == "true" && hashed["mailbox"] == "ann@alpha.example")
    }
}
