import Foundation
import Providers
import Sender
import Store

/// Group commit for webhooks: concurrent requests join one write
/// transaction, and each waits for the commit that includes its event, so
/// a 200 still means durable. One writer drains the queue: while it
/// commits, new events gather, and it takes all of them (at most
/// `maxBatch`) as soon as it is free — alone, an event commits at once;
/// under load, batches grow with the load and the per-commit cost is shared.
/// A submission that fails fails alone (`SendingStore.recordFeedback(_:judge:)`).
final class FeedbackCommitter: @unchecked Sendable {
    typealias Outcome = Result<FeedbackOutcome, any Error>

    let store: any SendingStore
    /// Judges the mailbox of a hard bounce or complaint inside the transaction (nil: no fleet).
    let health: HealthMonitor?
    let maxBatch: Int
    /// SQLite blocks: the writer runs on its own queue, not on the
    /// concurrency pool that serves the requests.
    private let queue = OwnThreadQueue(name: "reconcile.webhook-commit")
    private let lock = NSLock()
    private var pending: [(FeedbackSubmission, CheckedContinuation<Outcome, Never>)] = []
    private var writing = false

    init(store: any SendingStore, health: HealthMonitor?, maxBatch: Int = 256) {
        self.store = store; self.health = health; self.maxBatch = maxBatch
    }

    /// Returns once the submission is committed (or has failed).
    func commit(_ submission: FeedbackSubmission) async -> Outcome {
        await withCheckedContinuation { c in
            let start = lock.withLock {
                pending.append((submission, c))
                defer { writing = true }
                return !writing
            }
            if start { queue.async { self.drain() } }
        }
    }

    private func drain() {
        let judge: MailboxJudge? = health.map { h in { try h.judge(address: $0, in: $1, now: $2) } }
        while true {
            let batch = lock.withLock {
                let n = min(pending.count, maxBatch)
                if n == 0 { writing = false }
                defer { pending.removeFirst(n) }
                return Array(pending.prefix(n))
            }
            if batch.isEmpty { return }
            let outcomes = store.recordFeedback(batch.map(\.0), judge: judge)
            for ((_, waiter), outcome) in zip(batch, outcomes) { waiter.resume(returning: outcome) }
        }
    }
}
