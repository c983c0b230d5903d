import Foundation

/// Feedback events (webhooks) and manual suppression entries on PostgreSQL,
/// as `SQLiteSendingStore+Feedback`: a group commit with a savepoint per submission.
extension PostgresSendingStore {
    public func recordFeedback(_ f: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult {
        try recordFeedback([FeedbackSubmission(event: f, token: token, tokenExpiresAt: tokenExpiresAt, now: now)], judge: nil)[0].get().result
    }

    public func recordFeedback(_ batch: [FeedbackSubmission], judge: MailboxJudge?) -> [Result<FeedbackOutcome, any Error>] {
        guard !batch.isEmpty else { return [] }
        do {
            return try db.transaction { c in
                try Self.pruneTokens(c, batch)
                return batch.map { s in
                    // A savepoint each: a submission that fails is undone alone, the others commit.
                    Result { try Self.inSavepoint(c) { try storeFeedback(c, s, judge: judge) } }
                }
            }
        } catch {
            // The transaction itself failed: nothing of it stands; each gets its own.
            guard batch.count > 1 else { return [.failure(error)] }
            return batch.map { s in
                Result { try db.transaction { c in try Self.pruneTokens(c, [s]); return try storeFeedback(c, s, judge: judge) } }
            }
        }
    }

    /// Expired tokens go first so a token reused after its window is judged afresh.
    private static func pruneTokens(_ c: PostgresConnection, _ batch: [FeedbackSubmission]) throws {
        guard let now = batch.filter({ $0.token != nil }).map(\.now).max() else { return }
        try c.query("DELETE FROM sending_webhook_token WHERE expires_at < $1", [now])
    }

    /// On error the submission's writes are undone (the transaction stays
    /// usable, unlike after a failed statement outside a savepoint) and the error rethrown.
    private static func inSavepoint<T>(_ c: PostgresConnection, _ body: () throws -> T) throws -> T {
        try c.query("SAVEPOINT feedback")
        do {
            let value = try body()
            try c.query("RELEASE SAVEPOINT feedback")
            return value
        } catch {
            try c.query("ROLLBACK TO SAVEPOINT feedback")
            try c.query("RELEASE SAVEPOINT feedback")
            throw error
        }
    }

    private func storeFeedback(_ c: PostgresConnection, _ s: FeedbackSubmission, judge: MailboxJudge?) throws -> FeedbackOutcome {
        let result = try storeFeedback(c, s.event, token: s.token, tokenExpiresAt: s.tokenExpiresAt, now: s.now)
        return try FeedbackOutcome(result, of: s, judge: judge, scope: PostgresHealthScope(connection: c))
    }

    private func storeFeedback(_ c: PostgresConnection, _ f: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult {
        if let token {
            let added = try c.query("INSERT INTO sending_webhook_token (token, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                    [token, tokenExpiresAt]).affected
            if added == 0 { return .replayedToken }
        }
        let message = try f.messageID.flatMap {
            try c.rows("SELECT row_id, campaign_id, email, mailbox, state FROM sending_message WHERE message_id = $1", [$0]).first
        }
        let mailbox = message?.string("mailbox")
        let campaign = message?.string("campaign_id")
        let stored = try c.query("""
            INSERT INTO sending_feedback
                (event_id, event, effect, email, message_id, message_row, campaign_id, mailbox, domain, at, received_at, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING
            """, [f.eventID, f.event, f.effect.rawValue, f.email, f.messageID, message?.int64("row_id"),
                  campaign, mailbox, f.domain, f.at, now, f.detail]).affected
        if stored == 0 { return .duplicateEvent }
        // The outbox's recipient wins over the event's (an erased one is only a hash there).
        let email = message?.string("email") ?? f.email
        func event(_ kind: SendingEventKind) throws {
            try Self.insert(c, SendingEvent(at: f.at, kind: kind, email: email, mailbox: mailbox, messageID: f.messageID, detail: f.detail))
        }
        switch f.effect {
        case .hardBounce:
            try event(.hardBounce)
            if let email { try Self.suppress(c, email: email, reason: "hard bounce", source: "mailgun \(f.eventID)", at: f.at) }
        case .complaint:
            try event(.complaint)
            if let email { try Self.suppress(c, email: email, reason: "complaint", source: "mailgun \(f.eventID)", at: f.at) }
        case .unsubscribe:
            try event(.unsubscribe)
            if let email { try Self.suppress(c, email: email, reason: "unsubscribe", source: "mailgun \(f.eventID)", at: f.at) }
        case .deferral:
            try event(.softBounce)
        case .delivered:
            // The crash-recovery state learns what happened; nothing else changes state.
            if let row = message?.int64("row_id"), message?.string("state") == MessageState.unknown.rawValue {
                try c.query("UPDATE sending_message SET state = 'accepted', settled_at = $1, reply_text = $2, phase = 'webhook' WHERE row_id = $3",
                            [f.at, "delivered (\(f.eventID))", row])
                try event(.delivered)
                if let r = try c.rows("SELECT * FROM sending_message WHERE row_id = $1", [row]).first {
                    _ = try Self.planNextStep(c, after: Self.message(r), at: f.at)
                }
            }
        case .opened, .clicked, .none:
            break
        }
        return .stored(mailbox: mailbox, campaign: campaign)
    }

    public func feedbackCounts() throws -> FeedbackCounts {
        try db.transaction { c in
            var counts = FeedbackCounts()
            for r in try c.rows("SELECT event, COUNT(*) AS n FROM sending_feedback GROUP BY event") {
                counts.byEvent[r.string("event")!] = r.int("n") ?? 0
            }
            counts.unknownMessages = try c.scalar("SELECT COUNT(*) FROM sending_feedback WHERE message_row IS NULL").flatMap { Int($0) } ?? 0
            for r in try c.rows("""
                SELECT campaign_id, event, COUNT(*) AS n FROM sending_feedback WHERE campaign_id IS NOT NULL GROUP BY campaign_id, event
                """) {
                counts.byCampaign[r.string("campaign_id")!, default: [:]][r.string("event")!] = r.int("n") ?? 0
            }
            return counts
        }
    }

    public func suppression(email: String) throws -> SuppressionRecord? {
        try db.transaction { c in
            try c.rows("SELECT * FROM sending_suppression WHERE email = $1", [EmailAddress.normalize(email)]).first.map {
                SuppressionRecord(email: $0.string("email")!, reason: $0.string("reason")!, source: $0.string("source"), at: $0.double("at")!)
            }
        }
    }

    public func unsuppress(email: String, reason: String, at: Double) throws -> Bool {
        let email = EmailAddress.normalize(email)
        return try db.transaction { c in
            guard try c.query("DELETE FROM sending_suppression WHERE email = $1", [email]).affected == 1 else { return false }
            try Self.insert(c, SendingEvent(at: at, kind: .unsuppressed, email: email, detail: reason))
            return true
        }
    }
}

/// `MailboxHealthScope` inside the feedback transaction.
struct PostgresHealthScope: MailboxHealthScope {
    let connection: PostgresConnection
    func health(of address: String) throws -> MailboxHealthRecord? { try PostgresSendingStore.mailboxHealth(connection, address: address)[address] }
    func stats(of address: String, since: Double) throws -> MailboxStats {
        try PostgresSendingStore.mailboxStats(connection, since: since, address: address)[address] ?? MailboxStats()
    }
    func firstSend(of address: String) throws -> Double? { try PostgresSendingStore.firstSends(connection, address: address)[address] }
    func update(_ record: MailboxHealthRecord, event: SendingEvent?) throws { try PostgresSendingStore.updateMailboxHealth(connection, record, event: event) }
}
