import Foundation
import Store
import TestSupport
import Testing

/// The rules every `SendingStore` keeps (suppression, follow-ups, recovery,
/// limiter state), run against both backends: the in-memory store the
/// simulator uses, the SQLite store the daemon uses, on a real file, and
/// the PostgreSQL store several senders share, on a real server.
@Suite struct SendingStoreContractTests {
    enum Backend: String, CaseIterable, CustomStringConvertible {
        case memory, sqlite, postgres
        var description: String { rawValue }
    }

    /// A fresh store of the backend; the SQLite file lives in its own temp directory.
    static func withStore<T>(_ backend: Backend, _ body: (any SendingStore) throws -> T) throws -> T {
        switch backend {
        case .memory:
            return try body(MemorySendingStore())
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("store-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            return try body(SQLiteSendingStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path)))
        case .postgres:
            // A new database of the test process's private cluster; `sendingStore()` picks the backend's store.
            return try body(StateStore(postgres: try PostgresServer.freshDatabase()).sendingStore())
        }
    }

    static let t0 = 1_772_438_400.0   // 2026-03-02 08:00 UTC
    static let day = 86_400.0

    static func campaign(_ id: String = "c1", steps: Int = 2, stopOnReply: Bool = true) -> CampaignRecord {
        CampaignRecord(id: id, group: "g1", definition: "{}", stepDelays: [0] + Array(repeating: 2 * day, count: steps - 1),
                       stopOnReply: stopOnReply, stopOnBounce: true)
    }

    static func people(_ emails: String...) -> [Enrollment] {
        emails.map { Enrollment(email: $0, timeZone: "Europe/Berlin", variables: ["first": String($0.prefix(while: { $0 != "@" }))]) }
    }

    /// Reserves, attempts and settles one message as the engine does.
    @discardableResult
    static func send(_ store: any SendingStore, _ m: OutboxMessage, at t: Double, outcome: AttemptOutcome,
                     mailbox: String = "alice@acme-mail.com") throws -> OutboxMessage? {
        let r = Reservation(messageRow: m.row, mailbox: mailbox, group: m.group, at: t, mailboxNextAt: t + 45,
                            groupNextAt: t + 30, messageID: "<\(m.row)-\(m.step)@acme-mail.com>")
        guard case .reserved = try store.reserve(r) else { throw SendingStoreError.unknownMessage(m.row) }
        try store.markAttempting(row: m.row, at: t)
        return try store.settle(row: m.row, outcome: outcome, at: t + 1)
    }

    static let accepted = AttemptOutcome(state: .accepted, code: 250, text: "OK", phase: "data")

    @Test(arguments: Backend.allCases)
    func enqueueSkipsSuppressedAndAlreadyEnrolledAndPlansTheFirstStep(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            try store.suppress(email: "Gone@Example.org", reason: "unsubscribe", source: nil, at: Self.t0 - 10)
            let first = try store.enqueue(campaign: Self.campaign(), recipients: Self.people("ann@example.org", "gone@example.org"), now: Self.t0)
            #expect(first == { var r = EnqueueReport(); r.enrolled = 1; r.suppressed = 1; return r }())
            let again = try store.enqueue(campaign: Self.campaign(), recipients: Self.people("ANN@example.org", "bob@example.org"), now: Self.t0 + 5)
            #expect(again.enrolled == 1 && again.alreadyEnrolled == 1)
            let pending = try store.pendingMessages()
            #expect(pending.map(\.email) == ["ann@example.org", "bob@example.org"])
            #expect(pending.map(\.notBefore) == [Self.t0, Self.t0 + 5])
            #expect(pending.allSatisfy { $0.step == 0 && $0.state == .planned && $0.group == "g1" })
            #expect(try store.plannedMessages(afterRow: pending[0].row).map(\.email) == ["bob@example.org"])
            #expect(try store.messageRecord(row: pending[0].row)?.variables == ["first": "ann"])
        }
    }

    /// Suppressed addresses are told apart whether the suppression list is
    /// longer or shorter than the list enqueued, repeated or enrolled before,
    /// and an enrollment from an earlier call is never removed by a later one.
    @Test(arguments: Backend.allCases, [2, 40])
    func enqueueSkipsEverySuppressedRowWhateverTheListSizes(_ backend: Backend, listed: Int) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(), recipients: Self.people("old@example.org"), now: Self.t0 - 50)
            for i in 0..<listed { try store.suppress(email: "s\(i)@example.org", reason: "unsubscribe", source: nil, at: Self.t0 - 10) }
            try store.suppress(email: "OLD@example.org", reason: "complaint", source: nil, at: Self.t0 - 5)
            let fresh = (0..<10).map { "p\($0)@example.org" }
            let list = Self.people("s0@example.org", "p0@example.org", "S0@example.org", "s1@example.org", "old@example.org")
                + fresh.dropFirst().map { Enrollment(email: $0, timeZone: nil, variables: [:]) }
            let report = try store.enqueue(campaign: Self.campaign(), recipients: list, now: Self.t0)
            #expect(report == { var r = EnqueueReport(); r.enrolled = 10; r.suppressed = 4; return r }())
            #expect(try store.pendingMessages().map(\.email) == fresh)
            // The earlier enrollment stays, stopped by its suppression.
            #expect(try store.messages(state: .stopped).map(\.email) == ["old@example.org"])
        }
    }

    /// Variables are stored as JSON written by hand: quotes, backslashes,
    /// control characters and non-ASCII text come back unchanged.
    @Test(arguments: Backend.allCases)
    func variablesComeBackExactlyWhateverTheyHold(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            let hostile = ["quote": "say \"hi\"", "back\\slash": "C:\\dir\\", "lines": "a\r\nb\tc", "controls": "\u{0}\u{1}\u{1F}\u{7F}",
                           "unicode": "Zoë 🦆 \u{2028} ĳ", "": "", "json": "{\"k\": [1, \"v\"]}", "slash": "</script>"]
            _ = try store.enqueue(campaign: Self.campaign(),
                                  recipients: [Enrollment(email: "ann@example.org", timeZone: nil, variables: hostile)], now: Self.t0)
            let m = try #require(try store.pendingMessages().first)
            #expect(try store.messageRecord(row: m.row)?.variables == hostile)
        }
    }

    @Test(arguments: Backend.allCases)
    func aRecipientSuppressedAfterEnqueueIsRefusedAtReservationAndNothingIsConsumed(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(), recipients: Self.people("ann@example.org"), now: Self.t0)
            let m = try #require(try store.pendingMessages().first)
            try store.suppress(email: "ann@example.org", reason: "complaint", source: "test", at: Self.t0 + 1)
            let r = Reservation(messageRow: m.row, mailbox: "alice@acme-mail.com", group: "g1", at: Self.t0 + 2,
                                mailboxNextAt: Self.t0 + 60, groupNextAt: Self.t0 + 30, messageID: "<x@acme-mail.com>")
            guard case .refused = try store.reserve(r) else { Issue.record("reserved a suppressed recipient"); return }
            #expect(try store.pendingMessages().isEmpty)
            #expect(try store.suppressedEmails() == ["ann@example.org"])
            #expect(try store.limiterSnapshot(now: Self.t0 + 3).mailboxSends.isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func anAcceptedStepPlansTheNextFromTheSameMailboxAfterItsDelay(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(steps: 2), recipients: Self.people("ann@example.org"), now: Self.t0)
            let m = try #require(try store.pendingMessages().first)
            let followUp = try #require(try Self.send(store, m, at: Self.t0, outcome: Self.accepted, mailbox: "Alice@Acme-Mail.com"))
            #expect(followUp.step == 1 && followUp.state == .planned)
            #expect(followUp.mailbox == "alice@acme-mail.com")
            #expect(followUp.notBefore == Self.t0 + 1 + 2 * Self.day)
            #expect(try store.pendingMessages().map(\.row) == [followUp.row])
            #expect(try store.messageRecord(row: followUp.row)?.previousMessageID == "<\(m.row)-0@acme-mail.com>")
            // The last step plans nothing more.
            #expect(try Self.send(store, followUp, at: Self.t0 + 3 * Self.day, outcome: Self.accepted) == nil)
            #expect(try store.messages(state: .accepted).count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aReplyStopsTheSequenceAndAHardBounceSuppressesFleetWide(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign("c1"), recipients: Self.people("ann@example.org", "bob@example.org"), now: Self.t0)
            _ = try store.enqueue(campaign: Self.campaign("c2"), recipients: Self.people("bob@example.org"), now: Self.t0)
            let ann = try #require(try store.pendingMessages().first { $0.email == "ann@example.org" })
            let followUp = try #require(try Self.send(store, ann, at: Self.t0, outcome: Self.accepted))
            try store.record(event: SendingEvent(at: Self.t0 + 100, kind: .reply, email: "Ann@Example.org", detail: "thanks"))
            #expect(try store.messageRecord(row: followUp.row)?.message.state == .stopped)

            let bob = try #require(try store.pendingMessages().first { $0.email == "bob@example.org" && $0.campaign == "c1" })
            let bounce = AttemptOutcome(state: .rejected, code: 550, text: "5.1.1 no such user", phase: "rcpt", suppressRecipient: true)
            #expect(try Self.send(store, bob, at: Self.t0 + 200, outcome: bounce) == nil)
            #expect(try store.suppressedEmails().contains("bob@example.org"))
            // Bob's message in the other campaign is stopped too, and the bounce is on record for health.
            #expect(try store.pendingMessages().isEmpty)
            #expect(try store.events(kind: .hardBounce).map(\.email) == ["bob@example.org"])
            #expect(try store.mailboxStats(since: Self.t0)["alice@acme-mail.com"] == MailboxStats(sends: 2, bounces: 1, complaints: 0))
        }
    }

    @Test(arguments: Backend.allCases)
    func aCrashLeavesAttemptsUnknownNeverResentAndReservationsReplanned(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(steps: 1), recipients: Self.people("ann@example.org", "bob@example.org"), now: Self.t0)
            let pending = try store.pendingMessages()
            for (i, m) in pending.enumerated() {
                let r = Reservation(messageRow: m.row, mailbox: "alice@acme-mail.com", group: "g1", at: Self.t0 + Double(i),
                                    mailboxNextAt: Self.t0 + 60, groupNextAt: Self.t0 + 30, messageID: "<\(m.row)@acme-mail.com>")
                _ = try store.reserve(r)
            }
            try store.markAttempting(row: pending[0].row, at: Self.t0 + 2)
            #expect(try store.recoverInterrupted(at: Self.t0 + 10) == 1)
            #expect(try store.messages(state: .unknown).map(\.row) == [pending[0].row])
            // Reserved but never attempted: planned again; the unknown one is never pending.
            #expect(try store.pendingMessages().map(\.row) == [pending[1].row])
            // Limits consumed by both reservations are not refunded.
            let snapshot = try store.limiterSnapshot(now: Self.t0 + 10)
            #expect(snapshot.mailboxSends["alice@acme-mail.com"] == [Self.t0, Self.t0 + 1])
            #expect(snapshot.groupSends["g1"]?.count == 2)
            #expect(snapshot.mailboxNext["alice@acme-mail.com"] == Self.t0 + 60)
            #expect(throws: SendingStoreError.self) { try store.markAttempting(row: pending[0].row, at: Self.t0 + 11) }
        }
    }

    /// The warmup clock's input: each mailbox's first reservation that was
    /// not a configuration fault, however old, for every mailbox that sent.
    @Test(arguments: Backend.allCases)
    func firstSendsSkipConfigurationFaultsAndReachBackPastTheLimiterWindow(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(steps: 1), recipients: Self.people("a@example.org", "b@example.org", "c@example.org", "d@example.org"),
                                  now: Self.t0)
            let m = try store.pendingMessages()
            func reserve(_ i: Int, _ mailbox: String, at: Double) throws {
                _ = try store.reserve(Reservation(messageRow: m[i].row, mailbox: mailbox, group: "g1", at: at, mailboxNextAt: at, groupNextAt: at,
                                                  messageID: "<\(i)@x>"))
            }
            try reserve(0, "bob@acme-mail.com", at: Self.t0)
            try store.markAttempting(row: m[0].row, at: Self.t0)
            try store.settle(row: m[0].row, outcome: AttemptOutcome(state: .planned, code: 535, text: "auth", phase: "auth"), at: Self.t0)
            try reserve(1, "bob@acme-mail.com", at: Self.t0 + 5 * Self.day)
            try reserve(2, "alice@acme-mail.com", at: Self.t0 + Self.day)
            try reserve(3, "alice@acme-mail.com", at: Self.t0 + 30 * Self.day)
            try reserve(0, "carol@acme-mail.com", at: Self.t0 + 31 * Self.day)
            try store.markAttempting(row: m[0].row, at: Self.t0 + 31 * Self.day)
            try store.settle(row: m[0].row, outcome: AttemptOutcome(state: .planned, code: 535, text: "auth", phase: "auth"), at: Self.t0 + 31 * Self.day)
            let expected = ["alice@acme-mail.com": Self.t0 + Self.day, "bob@acme-mail.com": Self.t0 + 5 * Self.day]
            #expect(try store.firstSends() == expected)
            #expect(try store.limiterSnapshot(now: Self.t0 + 31 * Self.day).firstSends == expected)
        }
    }

    @Test(arguments: Backend.allCases)
    func aDeferredMessageIsPendingAgainAtItsRetryTime(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            _ = try store.enqueue(campaign: Self.campaign(steps: 1), recipients: Self.people("ann@example.org"), now: Self.t0)
            let m = try #require(try store.pendingMessages().first)
            let deferred = AttemptOutcome(state: .deferred, code: 451, text: "try later", phase: "rcpt", retryAt: Self.t0 + 900)
            #expect(try Self.send(store, m, at: Self.t0, outcome: deferred) == nil)
            let again = try #require(try store.pendingMessages().first)
            #expect(again.row == m.row && again.state == .deferred && again.notBefore == Self.t0 + 900 && again.attempts == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func mailboxHealthAndItsEventAreWrittenTogether(_ backend: Backend) throws {
        try Self.withStore(backend) { store in
            let record = MailboxHealthRecord(address: "Alice@Acme-Mail.com", enabled: false, reason: "bounce rate 12 %", changedAt: Self.t0)
            try store.updateMailboxHealth(record, event: SendingEvent(at: Self.t0, kind: .mailboxDisabled, mailbox: "alice@acme-mail.com", detail: "12 %"))
            #expect(try store.mailboxHealth()["alice@acme-mail.com"] == record)
            #expect(try store.events(kind: .mailboxDisabled).map(\.mailbox) == ["alice@acme-mail.com"])
        }
    }
}
