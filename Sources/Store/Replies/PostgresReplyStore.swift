import Foundation

/// `ReplyStore` on a PostgreSQL state: the statements of the SQLite store
/// (`SQLiteSendingStore`'s conformance), each batch in one transaction.
/// A reply is a sender event with the same effect as there: it stops the
/// recipient's campaigns that stop on reply.
public struct PostgresReplyStore: ReplyStore {
    let db: PostgresDatabase

    public init(_ db: PostgresDatabase) { self.db = db }

    public func replyCursor(mailbox: String) throws -> ReplyCursor? {
        try db.withConnection { c in
            try c.rows("SELECT uid_validity, last_uid FROM reply_cursor WHERE mailbox = $1", [mailbox.lowercased()]).first.map {
                ReplyCursor(uidValidity: UInt32(truncatingIfNeeded: $0.int64("uid_validity") ?? 0),
                            lastUID: UInt32(truncatingIfNeeded: $0.int64("last_uid") ?? 0))
            }
        }
    }

    public func recordInbound(mailbox: String, cursor: ReplyCursor?, answers: [InboundAnswer], at: Double) throws -> InboundReport {
        let mailbox = mailbox.lowercased()
        return try db.transaction { c in
            let report = try Self.record(c, answers: answers, mailbox: mailbox, source: "imap")
            guard let cursor else { return report }
            try c.query("""
                INSERT INTO reply_cursor (mailbox, uid_validity, last_uid, polled_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
                    last_uid = excluded.last_uid, polled_at = excluded.polled_at
                """, [mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID), at])
            return report
        }
    }

    public func recordRouted(mailbox: String, answer: InboundAnswer, messageID: String?, token: String, tokenExpiresAt: Double,
                             now: Double) throws -> RoutedReplyResult {
        let mailbox = mailbox.lowercased()
        return try db.transaction { c in
            // The webhooks' cache: one signing key signs both, so a token is spent once whichever endpoint saw it.
            try c.query("DELETE FROM sending_webhook_token WHERE expires_at < $1", [now])
            let fresh = try c.query("INSERT INTO sending_webhook_token (token, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                                    [token, tokenExpiresAt]).affected ?? 0
            if fresh == 0 { return .duplicate }
            if let id = messageID.map(SQLiteSendingStore.bare), !id.isEmpty {
                let new = try c.query("INSERT INTO reply_routed (message_id, mailbox, received_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                      [id, mailbox, now]).affected ?? 0
                if new == 0 { return .duplicate }
            }
            return .recorded(try Self.record(c, answers: [answer], mailbox: mailbox, source: "mailgun-route"))
        }
    }

    /// Each answer as a `reply` or `reply.auto` event on the message it names.
    static func record(_ c: PostgresConnection, answers: [InboundAnswer], mailbox: String, source: String) throws -> InboundReport {
        var report = InboundReport()
        for answer in answers {
            var sent: PostgresRow?
            for id in answer.messageIDs where sent == nil {
                let bare = SQLiteSendingStore.bare(id)
                sent = try c.rows("SELECT email, message_id FROM sending_message WHERE message_id IN ($1, $2)", ["<\(bare)>", bare]).first
            }
            guard let sent, let email = sent.string("email") else { report.unrelated += 1; continue }
            let event = SendingEvent(at: answer.at, kind: answer.automatic ? .autoReply : .reply, email: email, mailbox: mailbox,
                                     messageID: sent.string("message_id"), detail: source)
            // The event and its effect, as every event of the outbox is recorded.
            try PostgresSendingStore.record(c, event)
            if answer.automatic { report.autoReplies += 1 } else { report.replies += 1 }
        }
        return report
    }
}

extension StateStore {
    /// The reply poller's and the inbound intake's store on this state.
    public var replies: any ReplyStore {
        switch backend {
        case .sqlite: return SQLiteSendingStore(self)
        case .postgres(let db): return PostgresReplyStore(db)
        }
    }
}
