import Foundation
import Providers
import ServiceLifecycle
import Store

/// Polls every mailbox's INBOX each `interval` (`monitoring.reply_poll_interval`),
/// one mailbox at a time: Zoho limits concurrent IMAP sessions per user, and
/// replies are a slow signal. A failing mailbox is logged and retried next
/// round; it never stops the others.
public struct ReplyService: Service {
    public var poller: ReplyPoller
    public var accounts: [IMAPAccount]
    public var interval: Double
    public var log: @Sendable (String) -> Void

    public init(poller: ReplyPoller, accounts: [IMAPAccount], interval: Double, log: @escaping @Sendable (String) -> Void) {
        self.poller = poller
        self.accounts = accounts
        self.interval = interval
        self.log = log
    }

    /// One round over every mailbox; returns the failures by mailbox.
    @discardableResult
    public func round() async -> [String: String] {
        var failures: [String: String] = [:]
        for account in accounts {
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            do {
                let r = try await poller.poll(account)
                if r.replies + r.autoReplies > 0 {
                    log("replies: \(account.mailbox): \(r.replies) repl\(r.replies == 1 ? "y" : "ies"), \(r.autoReplies) automatic")
                }
            } catch {
                failures[account.mailbox] = "\(error)"
                log("replies: \(error)")
            }
        }
        return failures
    }

    public func run() async throws {
        while !(Task.isShuttingDownGracefully || Task.isCancelled) {
            await round()
            // Sleeps in short steps so a shutdown is noticed within a second.
            let until = poller.clock.now() + interval
            while poller.clock.now() < until, !(Task.isShuttingDownGracefully || Task.isCancelled) {
                try? await Task.sleep(nanoseconds: 500_000_000)
            }
        }
    }
}
