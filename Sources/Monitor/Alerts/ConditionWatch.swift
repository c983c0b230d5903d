import Foundation
import Providers
import Sender
import ServiceLifecycle
import Store

/// The conditions `serve` judges from its own process every `interval`:
/// webhook rejects spiking (from the webhook and inbound tally) and, with
/// `--send`, the sender stalled (from its pulse). Each change goes through
/// the alert store, which queues an open once and a clear once.
public struct ConditionWatch: Service {
    public struct Settings: Sendable, Equatable {
        /// Refusals within `rejectWindow` that open "webhook rejects spiking".
        public var rejectThreshold: Int
        public var rejectWindow: Double
        /// How long the sender may go without a turn of its loop, or without
        /// getting anything through while it tries, before it counts as stalled.
        public var stallAfter: Double
        public var interval: Double

        public init(rejectThreshold: Int = 50, rejectWindow: Double = 300, stallAfter: Double = 900, interval: Double = 5) {
            self.rejectThreshold = rejectThreshold; self.rejectWindow = rejectWindow; self.stallAfter = stallAfter; self.interval = interval
        }
    }

    public let store: AlertStore
    public let counters: WebhookCounters
    /// Nil when this process does not send.
    public let pulse: SenderPulse?
    public let settings: Settings
    let clock: any FleetClock
    let log: @Sendable (String) -> Void

    public init(store: AlertStore, counters: WebhookCounters, pulse: SenderPulse?, settings: Settings = Settings(),
                clock: any FleetClock = SystemClock(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store; self.counters = counters; self.pulse = pulse; self.settings = settings; self.clock = clock; self.log = log
    }

    /// Cumulative refusal counts over time, enough to answer "how many in the last window".
    public struct RejectHistory: Sendable {
        let started: Double
        private var samples: [(at: Double, total: Int)]

        /// `total`: the tally when watching starts (the process's counters start at 0 with it).
        public init(start: Double, total: Int = 0) { started = start; samples = [(start, total)] }

        /// Records the tally at `at`; returns the refusals within `window`, or
        /// nil while less than a window has been watched and the count is
        /// below `threshold` (a restart must not clear a spike it has not seen end).
        public mutating func record(total: Int, at: Double, window: Double, threshold: Int) -> Int? {
            samples.append((at, total))
            // Keep one sample at or before the window's start as the baseline.
            while samples.count > 1, samples[1].at <= at - window { samples.removeFirst() }
            let inWindow = total - samples[0].total
            return inWindow >= threshold || at - started >= window ? inWindow : nil
        }
    }

    public func run() async throws {
        var history = RejectHistory(start: clock.now(), total: counters.snapshot.totalRejected)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(settings.interval)) }
            check(&history)
        }
    }

    /// One look at both conditions; returns the changes that were queued.
    @discardableResult
    public func check(_ history: inout RejectHistory) -> [AlertChange] {
        let now = clock.now()
        var changes: [AlertChange] = []
        if let n = history.record(total: counters.snapshot.totalRejected, at: now, window: settings.rejectWindow, threshold: settings.rejectThreshold),
           let c = AlertConditions.webhookRejects(n, window: settings.rejectWindow, threshold: settings.rejectThreshold) {
            changes.append(c)
        }
        if let pulse { changes.append(AlertConditions.senderStall(pulse.snapshot, now: now, after: settings.stallAfter)) }
        return changes.filter { c in
            do { return try store.apply(c, at: now) } catch {
                log("alerts: cannot record a condition change: \(error)")
                return false
            }
        }
    }
}
