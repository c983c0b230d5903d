import Foundation
import Store
import Testing
import TestSupport

/// `forget` on every store: the address leaves every table, the suppression
/// stays as its hash, and the at-most-once and suppression rules hold.
@Suite struct ErasureTests {
    enum Backend: String, CaseIterable, Sendable { case memory, sqlite, postgres }

    func make(_ b: Backend) throws -> (any SendingStore, URL?) {
        switch b {
        case .memory: return (MemorySendingStore(), nil)
        case .sqlite:
            let (s, dir) = try makeSQLiteStore()
            return (s, dir)
        case .postgres:
            return (try StateStore(postgres: try PostgresServer.freshDatabase()).sendingStore(), nil)
        }
    }

    static let campaign = CampaignRecord(id: "c1", group: "g1", definition: "{}", stepDelays: [0, 86_400, 86_400],
                                         stopOnReply: true, stopOnBounce: true)
    static let ann = Enrollment(email: "Ann@Example.net", timeZone: "Europe/Paris", variables: ["first_name": "Ann", "company": "Acme"])
    static let bob = Enrollment(email: "bob@example.net", timeZone: nil, variables: ["first_name": "Bob"])

    @Test(arguments: Backend.allCases)
    func forgetKeepsTheSuppressionAsAHashAndEveryRuleHolds(_ backend: Backend) throws {
        let (store, dir) = try make(backend)
        defer { if let dir { try? FileManager.default.removeItem(at: dir) } }
        #expect(try store.enqueue(campaign: Self.campaign, recipients: [Self.ann, Self.bob], now: monday).enrolled == 2)
        // Ann's first step is sent and accepted: the follow-up is planned.
        let first = try #require(try store.pendingMessages().first { $0.email == "ann@example.net" })
        let mailbox = "sender1@g1-d1.example"
        #expect(try store.reserve(Reservation(messageRow: first.row, mailbox: mailbox, group: "g1", at: monday + 1,
                                              mailboxNextAt: monday + 60, groupNextAt: monday + 40, messageID: "<m1@x>")) == .reserved(messageID: "<m1@x>"))
        try store.markAttempting(row: first.row, at: monday + 1)
        let followUp = try #require(try store.settle(row: first.row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "250 ok ann@example.net", phase: "data"), at: monday + 2))
        try store.record(event: SendingEvent(at: monday + 3, kind: .delivered, email: "ann@example.net", mailbox: mailbox, messageID: "<m1@x>", detail: "delivered to ann@example.net"))

        let report = try store.forget(email: " ANN@example.net ", at: monday + 10)
        #expect(report.email == "ann@example.net")
        #expect(report.enrollments == 1 && report.messages == 2 && report.events == 1 && !report.wasSuppressed)

        let hash = ErasedRecipient.hash("ann@example.net")
        // The lower-case hex SHA-256 of the normal form: what state files already hold.
        #expect(hash == "sha256:2a8d4e854810707b345245fead4fe36f162306e4e8cd5072368a08a3849e7afd")
        #expect(ErasedRecipient.hash(" Ann@EXAMPLE.net\t") == hash)
        let all = try store.messages(state: nil)
        #expect(!all.contains { $0.email.contains("ann") })
        #expect(all.filter { $0.email == hash }.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.accepted, .stopped])
        #expect(try store.events(kind: nil).allSatisfy { !($0.email ?? "").contains("ann") && !$0.detail.contains("ann") })
        #expect(try store.suppressedEmails() == [hash])
        // The variables (CSV columns) are gone.
        #expect(try store.messageRecord(row: first.row)?.variables == [:])

        // The planned follow-up can no longer be reserved; the limits keep the send.
        if case .reserved = try store.reserve(Reservation(messageRow: followUp.row, mailbox: mailbox, group: "g1", at: monday + 90_000,
                                                          mailboxNextAt: 0, groupNextAt: 0, messageID: "<m2@x>")) {
            Issue.record("a forgotten recipient's follow-up was reserved")
        }
        #expect(try store.limiterSnapshot(now: monday + 100).mailboxSends[mailbox] == [monday + 1])

        // Enqueued again (any case), the address is suppressed and nothing is planned.
        let again = try store.enqueue(campaign: CampaignRecord(id: "c2", group: "g1", definition: "{}", stepDelays: [0], stopOnReply: true, stopOnBounce: true),
                                      recipients: [Enrollment(email: "ann@EXAMPLE.net", timeZone: nil, variables: [:])], now: monday + 200)
        #expect(again.suppressed == 1 && again.enrolled == 0)
        #expect(try store.pendingMessages().map(\.email) == ["bob@example.net"])

        // Forgetting again changes nothing and says it was suppressed.
        let twice = try store.forget(email: "ann@example.net", at: monday + 300)
        #expect(twice.wasSuppressed && twice.enrollments == 0 && twice.messages == 0)
        #expect(try store.suppressedEmails() == [hash])
    }

    @Test(arguments: Backend.allCases)
    func aSuppressedAddressKeepsItsReasonAsAHash(_ backend: Backend) throws {
        let (store, dir) = try make(backend)
        defer { if let dir { try? FileManager.default.removeItem(at: dir) } }
        try store.suppress(email: "gone@example.org", reason: "unsubscribe", source: nil, at: monday)
        let report = try store.forget(email: "gone@example.org", at: monday + 1)
        #expect(report.wasSuppressed)
        #expect(try store.suppressedEmails() == [ErasedRecipient.hash("gone@example.org")])
        #expect(try store.enqueue(campaign: Self.campaign, recipients: [Enrollment(email: "gone@example.org", timeZone: nil, variables: [:])],
                                  now: monday + 2).suppressed == 1)
    }
}
