import Foundation
import Store
import Testing

/// Feedback events (webhooks) and manual suppression keep the same rules in
/// both backends: one transaction per event (or per batch), replay tokens and event ids
/// change nothing, effects joined to the outbox by Message-ID.
@Suite struct FeedbackContractTests {
    typealias C = SendingStoreContractTests
    let t0 = SendingStoreContractTests.t0

    func feedback(_ id: String, _ effect: FeedbackEvent.Effect, event: String, email: String, messageID: String?, at: Double) -> FeedbackEvent {
        FeedbackEvent(eventID: id, event: event, effect: effect, email: email, messageID: messageID, domain: "acme-mail.com", at: at)
    }

    @Test(arguments: C.Backend.allCases)
    func aBounceJoinsTheOutboxSuppressesAndIsCountedOnce(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(), recipients: C.people("ann@example.net", "bob@example.net"), now: t0)
            let first = try store.pendingMessages()
            for m in first { try C.send(store, m, at: t0, outcome: C.accepted) }
            let ann = try #require(try store.messages(state: nil).first { $0.email == "ann@example.net" && $0.step == 0 })
            let bounce = feedback("e1", .hardBounce, event: "failed", email: "ANN@example.net", messageID: ann.messageID, at: t0 + 60)
            #expect(try store.recordFeedback(bounce, token: "t1", tokenExpiresAt: t0 + 3600, now: t0 + 61)
                    == .stored(mailbox: "alice@acme-mail.com", campaign: "c1"))
            #expect(try store.recordFeedback(bounce, token: "t1", tokenExpiresAt: t0 + 3600, now: t0 + 62) == .replayedToken)
            #expect(try store.recordFeedback(bounce, token: "t2", tokenExpiresAt: t0 + 3600, now: t0 + 63) == .duplicateEvent)
            // After its expiry a token is judged afresh (the event id still guards).
            #expect(try store.recordFeedback(bounce, token: "t1", tokenExpiresAt: t0 + 9000, now: t0 + 4000) == .duplicateEvent)
            let events = try store.events(kind: .hardBounce)
            #expect(events.count == 1)
            #expect(events.first?.mailbox == "alice@acme-mail.com" && events.first?.email == "ann@example.net")
            #expect(try store.suppression(email: "ann@example.net")?.reason == "hard bounce")
            // Ann's follow-up is stopped; Bob's is still planned.
            #expect(try store.messages(state: .planned).map(\.email) == ["bob@example.net"])
            #expect(try store.mailboxStats(since: t0)["alice@acme-mail.com"]?.bounces == 1)
            let counts = try store.feedbackCounts()
            #expect(counts.byEvent == ["failed": 1] && counts.unknownMessages == 0 && counts.byCampaign == ["c1": ["failed": 1]])
        }
    }

    /// Group commit on SQLite and PostgreSQL: one transaction for the batch, a savepoint per
    /// submission — the one whose judgement fails is undone alone, the others
    /// commit with their effects, and the judge saw each bounce already counted.
    @Test(arguments: [C.Backend.sqlite, .postgres])
    func aBatchCommitsTogetherAndAFailingSubmissionIsUndoneAlone(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(steps: 1), recipients: C.people("ann@example.net", "bob@example.net", "cy@example.net"), now: t0)
            for m in try store.pendingMessages() { try C.send(store, m, at: t0, outcome: C.accepted) }
            let sent = try store.messages(state: nil).sorted { $0.email < $1.email }
            let batch = sent.enumerated().map { i, m in
                FeedbackSubmission(event: feedback("b\(i)", .hardBounce, event: "failed", email: m.email, messageID: m.messageID, at: t0 + 60),
                                   token: "tok\(i)", tokenExpiresAt: t0 + 3600, now: t0 + 61)
            }
            var seen: [Int] = []
            let outcomes = store.recordFeedback(batch, judge: { mailbox, scope, _ in
                seen.append(try scope.stats(of: mailbox, since: t0).bounces)
                if seen.count == 2 { throw SendingStoreError.unknownMessage(-1) }
                return nil
            })
            #expect(seen == [1, 2, 2])
            #expect(outcomes.map { (try? $0.get())?.result } == [.stored(mailbox: "alice@acme-mail.com", campaign: "c1"), nil,
                                                                   .stored(mailbox: "alice@acme-mail.com", campaign: "c1")])
            #expect(try store.events(kind: .hardBounce).compactMap(\.email).sorted() == ["ann@example.net", "cy@example.net"])
            #expect(try store.suppression(email: "bob@example.net") == nil)
            #expect(try store.feedbackCounts().total == 2)
            // Bob's token was undone with his event: Mailgun's retry of it is processed.
            let retry = store.recordFeedback([batch[1]], judge: nil)
            #expect(try retry[0].get().result == .stored(mailbox: "alice@acme-mail.com", campaign: "c1"))
            #expect(try store.suppression(email: "bob@example.net")?.reason == "hard bounce")
        }
    }

    @Test(arguments: C.Backend.allCases)
    func deliveredSettlesUnknownAndUnknownMessagesAreOnlyCounted(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(), recipients: C.people("ann@example.net"), now: t0)
            let m = try #require(try store.pendingMessages().first)
            _ = try store.reserve(Reservation(messageRow: m.row, mailbox: "alice@acme-mail.com", group: "g1", at: t0, mailboxNextAt: t0,
                                              groupNextAt: t0, messageID: "<u1@acme-mail.com>"))
            try store.markAttempting(row: m.row, at: t0)
            #expect(try store.recoverInterrupted(at: t0 + 5) == 1)
            let d = feedback("d1", .delivered, event: "delivered", email: "ann@example.net", messageID: "<u1@acme-mail.com>", at: t0 + 10)
            _ = try store.recordFeedback(d, token: nil, tokenExpiresAt: 0, now: t0 + 11)
            #expect(try store.messages(state: .accepted).map(\.row) == [m.row])
            #expect(try store.messages(state: .planned).map(\.step) == [1])
            let stray = feedback("d2", .delivered, event: "delivered", email: "x@example.net", messageID: "<nope@acme-mail.com>", at: t0)
            #expect(try store.recordFeedback(stray, token: nil, tokenExpiresAt: 0, now: t0) == .stored(mailbox: nil, campaign: nil))
            #expect(try store.feedbackCounts().unknownMessages == 1)
            #expect(try store.suppressedEmails().isEmpty)
        }
    }

    @Test(arguments: C.Backend.allCases)
    func manualSuppressionAndItsRemovalAreEvents(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(), recipients: C.people("ann@example.net"), now: t0)
            try store.record(event: SendingEvent(at: t0, kind: .suppressed, email: "Ann@Example.net", detail: "asked by phone"))
            #expect(try store.suppression(email: "ann@example.net")?.reason == "asked by phone")
            #expect(try store.messages(state: .planned).isEmpty)
            #expect(try store.unsuppress(email: "ANN@example.net", reason: "typo", at: t0 + 1))
            #expect(try !store.unsuppress(email: "ann@example.net", reason: "again", at: t0 + 2))
            #expect(try store.suppression(email: "ann@example.net") == nil)
            #expect(try store.events(kind: .unsuppressed).map(\.detail) == ["typo"])
        }
    }

    @Test(arguments: C.Backend.allCases)
    func aDisabledMailboxIsRefusedAtReservationAndTheMessageStaysPlanned(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(), recipients: C.people("ann@example.net"), now: t0)
            let m = try #require(try store.pendingMessages().first)
            try store.updateMailboxHealth(MailboxHealthRecord(address: "alice@acme-mail.com", enabled: false, reason: "test", changedAt: t0),
                                          event: nil)
            let r = try store.reserve(Reservation(messageRow: m.row, mailbox: "alice@acme-mail.com", group: "g1", at: t0, mailboxNextAt: t0,
                                                  groupNextAt: t0, messageID: "<r@acme-mail.com>"))
            #expect(r == .refused(ReserveResult.mailboxDisabled))
            #expect(try store.messages(state: .planned).map(\.row) == [m.row])
            #expect(try store.limiterSnapshot(now: t0).mailboxSends.isEmpty)
            let other = try store.reserve(Reservation(messageRow: m.row, mailbox: "bob@acme-mail.com", group: "g1", at: t0, mailboxNextAt: t0,
                                                      groupNextAt: t0, messageID: "<r@acme-mail.com>"))
            #expect(other == .reserved(messageID: "<r@acme-mail.com>"))
        }
    }
}
