import Foundation
import Providers
import Store

/// Reads new INBOX messages of one mailbox and records those that answer a
/// message we sent (monitoring issue "Replies"): a reply stops the
/// recipient's sequences that stop on reply; an auto-reply is recorded only.
public struct ReplyPoller: Sendable {
    public let client: IMAPClient
    public let store: any ReplyStore
    public let clock: any FleetClock
    /// At most this many messages per mailbox and poll; the rest wait for the next.
    public var batch = 200

    public init(client: IMAPClient, store: any ReplyStore, clock: any FleetClock = SystemClock()) {
        self.client = client
        self.store = store
        self.clock = clock
    }

    /// One poll of one mailbox. The first poll, and one after the server
    /// renumbered the INBOX (a new UIDVALIDITY), reads it from the start.
    public func poll(_ account: IMAPAccount) async throws -> InboundReport {
        // One session per poll: 1,200 idle connections would outlast Zoho's patience and ours.
        do {
            let report = try await read(account)
            await client.close(account)
            return report
        } catch {
            await client.close(account)
            throw error
        }
    }

    private func read(_ account: IMAPAccount) async throws -> InboundReport {
        let validity = try await client.uidValidity(account)
        var after: UInt32 = 0
        if let cursor = try store.replyCursor(mailbox: account.mailbox), cursor.uidValidity == validity { after = cursor.lastUID }
        let uids = Array(try await client.uids(account, after: after).prefix(batch))
        var answers: [InboundAnswer] = []
        for uid in uids {
            let parsed = InboundMessage.parse(try await client.headers(account, uid: uid, fields: InboundMessage.fields))
            guard !parsed.answers.isEmpty else { continue }
            answers.append(InboundAnswer(messageIDs: parsed.answers, automatic: parsed.automatic, at: clock.now()))
        }
        var report = try store.recordInbound(mailbox: account.mailbox, cursor: ReplyCursor(uidValidity: validity, lastUID: uids.last ?? after),
                                             answers: answers, at: clock.now())
        report.unrelated += uids.count - answers.count
        return report
    }
}
