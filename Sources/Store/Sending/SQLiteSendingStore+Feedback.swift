import Foundation
import GRDB

/// Feedback events (webhooks) and manual suppression entries on SQLite.
/// The webhook path's statements are prepared once per connection
/// (`cachedStatement`): the group commit runs them for every event, and
/// preparing them anew was about a quarter of the intake's CPU.
extension SQLiteSendingStore {
    public func recordFeedback(_ f: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult {
        try recordFeedback([FeedbackSubmission(event: f, token: token, tokenExpiresAt: tokenExpiresAt, now: now)], judge: nil)[0].get().result
    }

    public func recordFeedback(_ batch: [FeedbackSubmission], judge: MailboxJudge?) -> [Result<FeedbackOutcome, any Error>] {
        guard !batch.isEmpty else { return [] }
        do {
            return try pool.write { db in
                try Self.pruneTokens(db, batch)
                return batch.map { s in
                    // A savepoint each: a submission that fails is undone alone, the others commit.
                    Result { try Self.inSavepoint(db) { try storeFeedback(db, s, judge: judge) } }
                }
            }
        } catch {
            // The transaction itself failed (busy, commit): nothing of it stands; each gets its own.
            guard batch.count > 1 else { return [.failure(error)] }
            return batch.map { s in
                Result { try pool.write { db in try Self.pruneTokens(db, [s]); return try storeFeedback(db, s, judge: judge) } }
            }
        }
    }

    /// Expired tokens go first so a token reused after its window is judged afresh.
    private static func pruneTokens(_ db: Database, _ batch: [FeedbackSubmission]) throws {
        guard let now = batch.filter({ $0.token != nil }).map(\.now).max() else { return }
        try db.cachedStatement(sql: "DELETE FROM sending_webhook_token WHERE expires_at < ?").execute(arguments: [now])
    }

    /// `Database.inSavepoint` without its cost: GRDB prepares its SAVEPOINT
    /// and RELEASE anew each time, and the group commit runs one per event.
    /// On error the submission's writes are undone and the error rethrown;
    /// if even that fails, the transaction's commit fails and every
    /// submission is retried alone.
    private static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT feedback").execute()
        do {
            let value = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT feedback").execute()
            return value
        } catch {
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT feedback").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT feedback").execute()
            throw error
        }
    }

    /// One submission inside the caller's transaction: replay token, the
    /// event by id, its effects, then the judgement of its mailbox.
    private func storeFeedback(_ db: Database, _ s: FeedbackSubmission, judge: MailboxJudge?) throws -> FeedbackOutcome {
        let result = try storeFeedback(db, s.event, token: s.token, tokenExpiresAt: s.tokenExpiresAt, now: s.now)
        return try FeedbackOutcome(result, of: s, judge: judge, scope: SQLiteHealthScope(db: db))
    }

    private func storeFeedback(_ db: Database, _ f: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult {
        if let token {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO sending_webhook_token (token, expires_at) VALUES (?, ?)")
                .execute(arguments: [token, tokenExpiresAt])
            if db.changesCount == 0 { return .replayedToken }
        }
        let message = try f.messageID.flatMap {
            try Row.fetchOne(db.cachedStatement(sql: "SELECT row_id, campaign_id, email, mailbox, state FROM sending_message WHERE message_id = ?"),
                             arguments: [$0])
        }
        let mailbox: String? = message?["mailbox"]
        let campaign: String? = message?["campaign_id"]
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO sending_feedback
                (event_id, event, effect, email, message_id, message_row, campaign_id, mailbox, domain, at, received_at, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [f.eventID, f.event, f.effect.rawValue, f.email, f.messageID, message?["row_id"] as Int64?,
                             campaign, mailbox, f.domain, f.at, now, f.detail])
        if db.changesCount == 0 { return .duplicateEvent }
        // The outbox's recipient wins over the event's (an erased one is only a hash there).
        let email = (message?["email"] as String?) ?? f.email
        func event(_ kind: SendingEventKind) throws {
            try Self.insert(db, SendingEvent(at: f.at, kind: kind, email: email, mailbox: mailbox, messageID: f.messageID, detail: f.detail))
        }
        switch f.effect {
        case .hardBounce:
            try event(.hardBounce)
            if let email { try Self.suppress(db, email: email, reason: "hard bounce", source: "mailgun \(f.eventID)", at: f.at) }
        case .complaint:
            try event(.complaint)
            if let email { try Self.suppress(db, email: email, reason: "complaint", source: "mailgun \(f.eventID)", at: f.at) }
        case .unsubscribe:
            try event(.unsubscribe)
            if let email { try Self.suppress(db, email: email, reason: "unsubscribe", source: "mailgun \(f.eventID)", at: f.at) }
        case .deferral:
            try event(.softBounce)
        case .delivered:
            // The crash-recovery state learns what happened; nothing else changes state.
            if let row: Int64 = message?["row_id"], (message?["state"] as String?) == MessageState.unknown.rawValue {
                try db.execute(sql: "UPDATE sending_message SET state = 'accepted', settled_at = ?, reply_text = ?, phase = 'webhook' WHERE row_id = ?",
                               arguments: [f.at, "delivered (\(f.eventID))", row])
                try event(.delivered)
                if let r = try Row.fetchOne(db, sql: "SELECT * FROM sending_message WHERE row_id = ?", arguments: [row]) {
                    _ = try planNextStep(db, after: Self.message(r), at: f.at)
                }
            }
        case .opened, .clicked, .none:
            break
        }
        return .stored(mailbox: mailbox, campaign: campaign)
    }

    public func feedbackCounts() throws -> FeedbackCounts {
        try pool.read { db in
            var c = FeedbackCounts()
            for r in try Row.fetchAll(db, sql: "SELECT event, COUNT(*) AS n FROM sending_feedback GROUP BY event") {
                c.byEvent[r["event"]] = r["n"]
            }
            c.unknownMessages = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sending_feedback WHERE message_row IS NULL") ?? 0
            for r in try Row.fetchAll(db, sql: """
                SELECT campaign_id, event, COUNT(*) AS n FROM sending_feedback WHERE campaign_id IS NOT NULL GROUP BY campaign_id, event
                """) {
                c.byCampaign[r["campaign_id"], default: [:]][r["event"]] = r["n"]
            }
            return c
        }
    }

    public func suppression(email: String) throws -> SuppressionRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sending_suppression WHERE email = ?", arguments: [EmailAddress.normalize(email)]).map {
                SuppressionRecord(email: $0["email"], reason: $0["reason"], source: $0["source"], at: $0["at"])
            }
        }
    }

    public func unsuppress(email: String, reason: String, at: Double) throws -> Bool {
        let email = EmailAddress.normalize(email)
        return try pool.write { db in
            try db.execute(sql: "DELETE FROM sending_suppression WHERE email = ?", arguments: [email])
            guard db.changesCount == 1 else { return false }
            try Self.insert(db, SendingEvent(at: at, kind: .unsuppressed, email: email, detail: reason))
            return true
        }
    }
}

/// `MailboxHealthScope` inside the feedback transaction.
struct SQLiteHealthScope: MailboxHealthScope {
    let db: Database
    func health(of address: String) throws -> MailboxHealthRecord? { try SQLiteSendingStore.mailboxHealth(db, address: address)[address] }
    func stats(of address: String, since: Double) throws -> MailboxStats {
        try SQLiteSendingStore.mailboxStats(db, since: since, address: address)[address] ?? MailboxStats()
    }
    func firstSend(of address: String) throws -> Double? { try SQLiteSendingStore.firstSends(db, address: address)[address] }
    func update(_ record: MailboxHealthRecord, event: SendingEvent?) throws { try SQLiteSendingStore.updateMailboxHealth(db, record, event: event) }
}
