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
    /// `cursor` nil: answers that did not come from an INBOX (Mailgun's inbound route).
    func recordInbound(mailbox: String, cursor: ReplyCursor?, answers: [InboundAnswer], at: Double) throws -> InboundReport
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
                                                 messageID: sent["message_id"], detail: "imap"))
                if answer.automatic { report.autoReplies += 1 } else { report.replies += 1 }
            }
            guard let cursor else { return report }
            try db.execute(sql: """
                INSERT INTO reply_cursor (mailbox, uid_validity, last_uid, polled_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
                    last_uid = excluded.last_uid, polled_at = excluded.polled_at
                """, arguments: [mailbox, Int64(cursor.uidValidity), Int64(cursor.lastUID), at])
            return report
        }
    }

    /// The outbox keeps Message-IDs as written (`<token@domain>`); answers may come either way.
    static func bare(_ id: String) -> String {
        id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
    }
}
