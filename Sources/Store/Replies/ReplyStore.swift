import Foundation
import GRDB

/// How far a mailbox's INBOX has been read.
public struct ReplyCursor: Sendable, Equatable {
    public var uidValidity: UInt32
    public var lastUID: UInt32
    public init(uidValidity: UInt32, lastUID: UInt32) { self.uidValidity = uidValidity; self.lastUID = lastUID }
}

/// One INBOX message that names Message-IDs it answers.
public struct InboundAnswer: Sendable, Equatable {
    public var messageIDs: [String]
    public var automatic: Bool
    public var at: Double
    public init(messageIDs: [String], automatic: Bool, at: Double) {
        self.messageIDs = messageIDs; self.automatic = automatic; self.at = at
    }
}

/// What became of one reply Mailgun's Routes forwarded (`POST /inbound/mailgun`).
public enum RoutedReplyResult: Sendable, Equatable {
    case recorded(InboundReport)
    /// Its signature token or its Message-ID was seen before: nothing recorded.
    case duplicate
}

/// What a poll recorded.
public struct InboundReport: Sendable, Equatable {
    public var replies = 0
    public var autoReplies = 0
    /// Messages that answer nothing we sent (a person's own mail, a stranger).
    public var unrelated = 0
    public init() {}
}

/// The reply poller's view of the state: a cursor per mailbox, and a batch of
/// answers recorded together with the cursor that follows them, so a crash
/// between the two neither loses a reply nor counts one twice.
public protocol ReplyStore: Sendable {
    func replyCursor(mailbox: String) throws -> ReplyCursor?
    /// `cursor` nil: record the answers without moving a cursor.
    func recordInbound(mailbox: String, cursor: ReplyCursor?, answers: [InboundAnswer], at: Double) throws -> InboundReport
    /// One forwarded reply in one transaction: its signature token into the
    /// webhooks' replay cache (kept until `tokenExpiresAt`), its own
    /// `messageID` (when it has one) remembered, then recorded like a polled
    /// answer. A token or Message-ID seen before records nothing.
    func recordRouted(mailbox: String, answer: InboundAnswer, messageID: String?, token: String, tokenExpiresAt: Double,
                      now: Double) throws -> RoutedReplyResult
}

extension SQLiteSendingStore: ReplyStore {
    public func replyCursor(mailbox: String) throws -> ReplyCursor? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT uid_validity, last_uid FROM reply_cursor WHERE mailbox = ?",
                             arguments: [mailbox.lowercased()])
                .map { ReplyCursor(uidValidity: UInt32(truncatingIfNeeded: $0["uid_validity"] as Int64),
                                   lastUID: UInt32(truncatingIfNeeded: $0["last_uid"] as Int64)) }
        }
    }

    /// Each answer is tied to the first of its Message-IDs that we sent; a
    /// reply then stops that recipient's campaigns that stop on reply, like
    /// any `reply` event. An auto-reply is recorded and stops nothing.
    public func recordInbound(mailbox: String, cursor: ReplyCursor?, answers: [InboundAnswer], at: Double) throws -> InboundReport {
        let mailbox = mailbox.lowercased()
        return try pool.write { db in
            let report = try Self.record(db, answers: answers, mailbox: mailbox, source: "imap")
            guard let cursor else { return report }
            try db.execute(sql: """
                INSERT INTO reply_cursor (mailbox, uid_validity, last_uid, polled_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
                    last_uid = excluded.last_uid, polled_at = excluded.polled_at
                """, arguments: [mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID), at])
            return report
        }
    }

    public func recordRouted(mailbox: String, answer: InboundAnswer, messageID: String?, token: String, tokenExpiresAt: Double,
                             now: Double) throws -> RoutedReplyResult {
        let mailbox = mailbox.lowercased()
        return try pool.write { db in
            // The webhooks' cache: one signing key signs both, so a token is spent once whichever endpoint saw it.
            try db.execute(sql: "DELETE FROM sending_webhook_token WHERE expires_at < ?", arguments: [now])
            try db.execute(sql: "INSERT OR IGNORE INTO sending_webhook_token (token, expires_at) VALUES (?, ?)",
                           arguments: [token, tokenExpiresAt])
            if db.changesCount == 0 { return .duplicate }
            if let id = messageID.map(Self.bare), !id.isEmpty {
                try db.execute(sql: "INSERT OR IGNORE INTO reply_routed (message_id, mailbox, received_at) VALUES (?, ?, ?)",
                               arguments: [id, mailbox, now])
                if db.changesCount == 0 { return .duplicate }
            }
            return .recorded(try Self.record(db, answers: [answer], mailbox: mailbox, source: "mailgun-route"))
        }
    }

    /// Each answer as a `reply` or `reply.auto` event on the message it
    /// names; `source` (`imap`, `mailgun-route`) is the event's detail.
    static func record(_ db: Database, answers: [InboundAnswer], mailbox: String, source: String) throws -> InboundReport {
        var report = InboundReport()
        for answer in answers {
            var sent: Row?
            for id in answer.messageIDs where sent == nil {
                let bare = Self.bare(id)
                sent = try Row.fetchOne(db, sql: "SELECT email, message_id FROM sending_message WHERE message_id IN (?, ?)",
                                        arguments: ["<\(bare)>", bare])
            }
            guard let sent else { report.unrelated += 1; continue }
            let kind: SendingEventKind = answer.automatic ? .autoReply : .reply
            try Self.record(db, SendingEvent(at: answer.at, kind: kind, email: sent["email"], mailbox: mailbox,
                                             messageID: sent["message_id"], detail: source))
            if answer.automatic { report.autoReplies += 1 } else { report.replies += 1 }
        }
        return report
    }

    /// The outbox keeps Message-IDs as written (`<token@domain>`); answers may come either way.
    static func bare(_ id: String) -> String {
        id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }
}
