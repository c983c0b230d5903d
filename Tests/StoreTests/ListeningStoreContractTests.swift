import Foundation
import Store
import Testing

/// The alert queue, the reply store and the DNS verdicts keep the same
/// contract on a SQLite file and on PostgreSQL.
@Suite struct ListeningStoreContractTests {
    static let t0 = 1_800_000_000.0

    @Test(arguments: StateBackend.allCases)
    func conditionsQueueOnceEachChangeAndTheQueueLeasesRetriesAndDelivers(_ backend: StateBackend) throws {
        let state = try backend.fresh(); defer { state.remove() }
        let alerts = AlertStore(try state.open())
        let t0 = Self.t0
        #expect(try alerts.apply(.open(key: "drift-found", summary: "2 domains differ"), at: t0))
        #expect(try alerts.apply(.open(key: "drift-found", summary: "still"), at: t0 + 1) == false)
        #expect(try alerts.apply(.clear(key: "never-opened", summary: "x"), at: t0 + 1) == false)
        #expect(try alerts.apply(.open(key: "apply-failed", summary: "boom"), at: t0 + 2))
        let noticeID = try alerts.notice(key: "test", text: "hello", at: t0 + 3)
        #expect(try alerts.apply(.clear(key: "drift-found", summary: "fleet matches"), at: t0 + 4))

        // Another process sees the same state.
        let other = AlertStore(try state.open())
        #expect(try other.openConditions() == [OpenCondition(key: "apply-failed", summary: "boom", openedAt: t0 + 2)])
        #expect(try other.all().map(\.kind) == [.open, .open, .notice, .clear])
        #expect(try other.all().map(\.text) == ["2 domains differ", "boom", "hello", "fleet matches"])
        #expect(try other.all()[2].id == noticeID)
        #expect(try other.depth() == 4)

        // Claimed messages are leased: a second claimer gets nothing until the lease ends.
        let claimed = try alerts.claimDue(now: t0 + 10, lease: 60, limit: 3)
        #expect(claimed.map(\.key) == ["drift-found", "apply-failed", "test"])
        #expect(try other.claimDue(now: t0 + 11, lease: 60).map(\.key) == ["drift-found"])
        #expect(try other.claimDue(now: t0 + 12, lease: 60).isEmpty)
        try alerts.markFailed(ids: [claimed[0].id], error: "telegram 502", retryAt: t0 + 100)
        try alerts.markSent(ids: [claimed[1].id, claimed[2].id], at: t0 + 13)
        #expect(try other.depth() == 2)
        #expect(try other.nextAttempt() == t0 + 71)
        let failed = try #require(try other.all().first { $0.id == claimed[0].id })
        #expect(failed.attempts == 1 && failed.lastError == "telegram 502" && failed.nextAttemptAt == t0 + 100 && failed.sentAt == nil)
        #expect(try other.all().first { $0.id == claimed[1].id }?.sentAt == t0 + 13)
        // Due again: the failed one at its retry time, the one claimed by `other` when its lease ended.
        #expect(try other.claimDue(now: t0 + 100, lease: 60).map(\.id) == [claimed[0].id, try other.all()[3].id])
    }

    @Test(arguments: StateBackend.allCases)
    func sendingEventsBecomeConditionsOnceEach(_ backend: StateBackend) throws {
        let state = try backend.fresh(); defer { state.remove() }
        try state.execute("""
            INSERT INTO sending_event (at, kind, email, mailbox, message_id, detail) VALUES
              (1, 'alert.mailbox_disabled', NULL, 'alice@acme-mail.com', NULL, 'bounce rate'),
              (2, 'delivered', 'x@example.org', 'alice@acme-mail.com', '<m1@acme-mail.com>', ''),
              (3, 'mailbox.enabled', NULL, 'alice@acme-mail.com', NULL, 'by hand');
            """)
        let alerts = AlertStore(try state.open())
        func change(_ e: SendingEvent) -> AlertChange? {
            switch e.kind {
            case .mailboxDisabled: .open(key: "mailbox-disabled:\(e.mailbox ?? "")", summary: e.detail)
            case .mailboxEnabled: .clear(key: "mailbox-disabled:\(e.mailbox ?? "")", summary: e.detail)
            default: nil
            }
        }
        #expect(try alerts.consumeSendingEvents(at: Self.t0, map: change) == 2)
        // The cursor moved: read again, nothing is queued twice.
        #expect(try AlertStore(try state.open()).consumeSendingEvents(at: Self.t0 + 1, map: change) == 0)
        #expect(try alerts.all().map(\.text) == ["bounce rate", "by hand"])
        #expect(try alerts.openConditions().isEmpty)
    }

    /// A campaign with a sent first step and a planned follow-up for ann,
    /// and one for bob whose campaign does not stop on reply.
    static let sentFixture = """
        INSERT INTO sending_campaign (id, group_name, definition, step_delays, stop_on_reply, stop_on_bounce, created_at) VALUES
          ('c1', 'g1', '{}', '[0,172800]', 1, 1, 0), ('c2', 'g1', '{}', '[0,172800]', 0, 1, 0);
        INSERT INTO sending_enrollment (campaign_id, email, time_zone, variables, enrolled_at) VALUES
          ('c1', 'ann@example.org', NULL, '{}', 0), ('c2', 'bob@example.org', NULL, '{}', 0);
        INSERT INTO sending_message (campaign_id, email, step, group_name, state, not_before, mailbox, message_id) VALUES
          ('c1', 'ann@example.org', 0, 'g1', 'accepted', 0, 'alice@acme-mail.com', '<m1@acme-mail.com>'),
          ('c1', 'ann@example.org', 1, 'g1', 'planned', 172800, NULL, NULL),
          ('c2', 'bob@example.org', 0, 'g1', 'accepted', 0, 'alice@acme-mail.com', '<m2@acme-mail.com>'),
          ('c2', 'bob@example.org', 1, 'g1', 'planned', 172800, NULL, NULL);
        """

    @Test(arguments: StateBackend.allCases)
    func repliesAreTiedToWhatWeSentAndMoveTheCursorWithThem(_ backend: StateBackend) throws {
        let state = try backend.fresh(); defer { state.remove() }
        try state.execute(Self.sentFixture)
        let replies = try state.open().replies
        #expect(try replies.replyCursor(mailbox: "Alice@acme-mail.com") == nil)
        let report = try replies.recordInbound(mailbox: "Alice@acme-mail.com", cursor: ReplyCursor(uidValidity: 7, lastUID: 4_000_000_000), answers: [
            InboundAnswer(messageIDs: ["<unknown@x>", "m1@acme-mail.com"], automatic: false, at: Self.t0),
            InboundAnswer(messageIDs: ["<m2@acme-mail.com>"], automatic: true, at: Self.t0),
            InboundAnswer(messageIDs: ["<stranger@x>"], automatic: false, at: Self.t0),
        ], at: Self.t0)
        #expect(report.replies == 1 && report.autoReplies == 1 && report.unrelated == 1)
        #expect(try state.open().replies.replyCursor(mailbox: "alice@acme-mail.com") == ReplyCursor(uidValidity: 7, lastUID: 4_000_000_000))
        // A reply stops ann's follow-up; an auto-reply stops nothing.
        #expect(try state.scalar("SELECT state FROM sending_message WHERE email = 'ann@example.org' AND step = 1") == "stopped")
        #expect(try state.scalar("SELECT stopped_reason FROM sending_enrollment WHERE email = 'ann@example.org'") == "replied")
        #expect(try state.scalar("SELECT state FROM sending_message WHERE email = 'bob@example.org' AND step = 1") == "planned")
        #expect(try state.column("SELECT kind FROM sending_event ORDER BY id") == ["reply", "reply.auto"])
        #expect(try state.column("SELECT email FROM sending_event ORDER BY id") == ["ann@example.org", "bob@example.org"])
    }

    @Test(arguments: StateBackend.allCases)
    func aRoutedReplyIsRecordedOncePerTokenAndMessageID(_ backend: StateBackend) throws {
        let state = try backend.fresh(); defer { state.remove() }
        try state.execute(Self.sentFixture)
        let replies = try state.open().replies
        let answer = InboundAnswer(messageIDs: ["<m1@acme-mail.com>"], automatic: false, at: Self.t0)
        let first = try replies.recordRouted(mailbox: "alice@acme-mail.com", answer: answer, messageID: "<r1@example.org>",
                                             token: "tok-1", tokenExpiresAt: Self.t0 + 3600, now: Self.t0)
        guard case .recorded(let report) = first else { Issue.record("not recorded: \(first)"); return }
        #expect(report.replies == 1)
        // The same token again, or the same reply under a new token: nothing more.
        #expect(try replies.recordRouted(mailbox: "alice@acme-mail.com", answer: answer, messageID: "<r2@example.org>",
                                         token: "tok-1", tokenExpiresAt: Self.t0 + 3600, now: Self.t0 + 1) == .duplicate)
        #expect(try replies.recordRouted(mailbox: "alice@acme-mail.com", answer: answer, messageID: "r1@example.org",
                                         token: "tok-2", tokenExpiresAt: Self.t0 + 3600, now: Self.t0 + 2) == .duplicate)
        // An expired token is forgotten, so it is accepted again (with a new reply).
        let late = try replies.recordRouted(mailbox: "alice@acme-mail.com", answer: answer, messageID: "<r3@example.org>",
                                            token: "tok-1", tokenExpiresAt: Self.t0 + 9000, now: Self.t0 + 4000)
        if case .duplicate = late { Issue.record("an expired token was still refused") }
        #expect(try state.scalar("SELECT COUNT(*) FROM sending_event WHERE kind = 'reply'") == "2")
    }

    @Test(arguments: StateBackend.allCases)
    func dnsVerdictsCountFailuresAndKeepTheLastKnownPreflight(_ backend: StateBackend) throws {
        let state = try backend.fresh(); defer { state.remove() }
        let verdicts = DNSVerdictStore(try state.open())
        func differs(_ d: String) -> DNSVerdictUpdate {
            DNSVerdictUpdate(domain: d, status: "differs", summary: "SPF differs", preflight: .fail, reason: "spf")
        }
        try verdicts.record([differs("b.com"), differs("A.com")], at: Self.t0)
        let second = try verdicts.record([differs("b.com")], at: Self.t0 + 60)
        #expect(second.map(\.failures) == [2])
        let unknown = try DNSVerdictStore(try state.open()).record([
            DNSVerdictUpdate(domain: "b.com", status: "could-not-check", summary: "SERVFAIL", preflight: nil, reason: nil),
        ], at: Self.t0 + 120)
        #expect(unknown == [DNSVerdictRecord(domain: "b.com", status: "could-not-check", summary: "SERVFAIL", preflight: .fail,
                                             reason: "spf", failures: 2, checkedAt: Self.t0 + 120, knownAt: Self.t0 + 60)])
        try verdicts.record([DNSVerdictUpdate(domain: "a.com", status: "ok", summary: "as declared", preflight: .pass, reason: nil)],
                            at: Self.t0 + 180)
        let all = try DNSVerdictStore(try state.open()).all()
        #expect(all.map(\.domain) == ["a.com", "b.com"])
        #expect(all[0] == DNSVerdictRecord(domain: "a.com", status: "ok", summary: "as declared", preflight: .pass, reason: nil,
                                           failures: 0, checkedAt: Self.t0 + 180, knownAt: Self.t0 + 180))
    }
}
