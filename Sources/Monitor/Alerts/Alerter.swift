import Foundation
import Providers
import ServiceLifecycle
import Store

/// The one alerter (a swift-service-lifecycle `Service` in `serve`): turns
/// the sender's mailbox events into conditions, then delivers the queue to
/// the sink within its pacing — one change alone, several as one digest —
/// and retries a failed delivery with backoff. Everything it owes is in
/// the store, so a restart picks up where it stopped.
public struct Alerter: Service {
    public let store: AlertStore
    public let sink: any AlertSink
    public var pacing: AlertPacing
    /// Backoff between failed deliveries (exponential, jittered, capped).
    public var backoff: RetryPolicy
    /// How often the queue and the events are looked at.
    public var tick: Double
    /// How long claimed messages stay reserved for this process.
    public var lease: Double
    public var log: @Sendable (String) -> Void
    let clock: any FleetClock
    let random: any RandomSource

    public init(store: AlertStore, sink: any AlertSink, pacing: AlertPacing = AlertPacing(),
                backoff: RetryPolicy = RetryPolicy(maxAttempts: .max, baseDelay: 2, maxDelay: 300, totalBudget: .infinity),
                tick: Double = 0.25, lease: Double = 60, clock: any FleetClock = SystemClock(),
                random: any RandomSource = SystemRandom(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store; self.sink = sink; self.pacing = pacing; self.backoff = backoff
        self.tick = tick; self.lease = lease; self.clock = clock; self.random = random; self.log = log
    }

    public func run() async throws {
        var pacer = AlertPacer(pacing: pacing)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await cycle(&pacer)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(tick)) }
        }
    }

    /// One pass: read new events, and deliver if the pacing allows.
    /// Returns the messages (a digest counts once) sent.
    @discardableResult
    public func cycle(_ pacer: inout AlertPacer) async -> Int {
        let now = clock.now()
        do { _ = try store.consumeSendingEvents(at: now, map: AlertConditions.fromSendingEvent) } catch {
            log("alerter: cannot read the sender's events: \(error)")
        }
        guard pacer.allows(now) else { return 0 }
        if case .sent = await deliverDue(&pacer, now: now) { return 1 }
        return 0
    }

    enum Delivery: Equatable { case nothingDue, sent, failed(String) }

    /// Claims what is due and sends it as one message; a failure is retried
    /// after the backoff.
    func deliverDue(_ pacer: inout AlertPacer, now: Double) async -> Delivery {
        let due: [QueuedAlert]
        do { due = try store.claimDue(now: now, lease: lease) } catch {
            log("alerter: cannot read the alert queue: \(error)")
            return .failed("\(error)")
        }
        guard !due.isEmpty else { return .nothingDue }
        let ids = due.map(\.id)
        // Paced from when the answer came: the chat saw the message no later.
        defer { pacer.record(clock.now()) }
        do {
            try await sink.deliver(AlertText.digest(due))
            try store.markSent(ids: ids, at: clock.now())
            return .sent
        } catch {
            let attempts = (due.map(\.attempts).max() ?? 0) + 1
            let wait = backoff.delay(afterAttempt: attempts, random: random)
            log("alerter: delivery of \(ids.count) alert(s) failed (attempt \(attempts)), retrying in \(Int(wait.rounded())) s: \(error)")
            try? store.markFailed(ids: ids, error: "\(error)", retryAt: clock.now() + wait)
            return .failed("\(error)")
        }
    }

    /// For one-shot commands (`apply --alert`, `drift --alert`, `alert
    /// test`): delivers what is due now, once; a failure stays queued for a
    /// running `serve` and is reported.
    public func deliverNow() async throws {
        var pacer = AlertPacer(pacing: pacing)
        let now = clock.now()
        _ = try store.consumeSendingEvents(at: now, map: AlertConditions.fromSendingEvent)
        if case .failed(let why) = await deliverDue(&pacer, now: now) { throw AlertError.undelivered(why) }
    }
}
