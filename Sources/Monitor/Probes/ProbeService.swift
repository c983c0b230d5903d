import Foundation
import Inventory
import Providers
import ServiceLifecycle
import Store

/// `serve`'s probes: every `interval` (`monitoring.probe_interval`) each
/// target's handshake with a few of its logins (see `ProbeTracker.pick`),
/// the endpoints side by side, the logins of one endpoint one after another
/// (a provider may limit concurrent sessions per user). Results go to
/// `/metrics`; conditions through the alert store, like `ConditionWatch`'s.
public struct ProbeService: Service {
    public struct Settings: Sendable, Equatable {
        public var interval: Double
        /// Failures in a row before an alert opens (`monitoring.probe_alert_after`).
        public var alertAfter: Int
        /// Fresh logins per endpoint and round (`monitoring.probe_logins_per_round`).
        public var loginsPerRound: Int
        /// Seconds to connect; the whole handshake gets twice that.
        public var timeout: Int

        public init(interval: Double = 3600, alertAfter: Int = 3, loginsPerRound: Int = 3, timeout: Int = 15) {
            self.interval = interval; self.alertAfter = alertAfter; self.loginsPerRound = loginsPerRound; self.timeout = timeout
        }

        public init(_ m: Monitoring) {
            self.init(interval: Double(m.probeInterval.seconds), alertAfter: m.probeAlertAfter, loginsPerRound: m.probeLoginsPerRound)
        }
    }

    public var rounds: ProbeRounds
    public let interval: Double

    public init(targets: [ProbeTarget], store: AlertStore, metrics: MonitorMetrics, settings: Settings,
                clock: any FleetClock = SystemClock(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        rounds = ProbeRounds(targets: targets, store: store, metrics: metrics, settings: settings, clock: clock, log: log)
        interval = settings.interval
    }

    /// `serve`'s probes from its inventory; nil when there is nothing to probe.
    /// What cannot be probed (a master secret not set) is logged and left out.
    public static func make(inventory: Inventory, directory: String?, environment: [String: String], store: AlertStore,
                            metrics: MonitorMetrics, log: @escaping @Sendable (String) -> Void) -> ProbeService? {
        let (targets, problems) = ProbeTargets.make(inventory: inventory, directory: directory, environment: environment)
        problems.forEach(log)
        guard !targets.isEmpty else { return nil }
        return ProbeService(targets: targets, store: store, metrics: metrics, settings: Settings(inventory.monitoring), log: log)
    }

    public func run() async throws {
        var rounds = rounds
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await rounds.round()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
        }
    }
}

/// The probes' state between rounds: the targets (a test moves one to
/// another server between rounds) and the runs of failures.
public struct ProbeRounds: Sendable {
    public var targets: [ProbeTarget]
    public var tracker: ProbeTracker
    let store: AlertStore
    let metrics: MonitorMetrics
    let settings: ProbeService.Settings
    let clock: any FleetClock
    let log: @Sendable (String) -> Void

    init(targets: [ProbeTarget], store: AlertStore, metrics: MonitorMetrics, settings: ProbeService.Settings,
         clock: any FleetClock, log: @escaping @Sendable (String) -> Void) {
        self.targets = targets; self.store = store; self.metrics = metrics; self.settings = settings; self.clock = clock; self.log = log
        tracker = ProbeTracker(alertAfter: settings.alertAfter)
    }

    /// One round over every target; returns the condition changes the store queued.
    @discardableResult
    public mutating func round() async -> [AlertChange] {
        var picks: [(ProbeTarget, [ProbeLogin])] = []
        for t in targets { picks.append((t, tracker.pick(t, perRound: settings.loginsPerRound))) }
        let timeout = settings.timeout
        let results = await withTaskGroup(of: (Int, [(login: ProbeLogin, outcome: ProbeOutcome)]).self) { group in
            for (i, (target, logins)) in picks.enumerated() {
                group.addTask {
                    var out: [(login: ProbeLogin, outcome: ProbeOutcome)] = []
                    for login in logins { out.append((login, await HandshakeProbe.run(target, login, timeout: timeout))) }
                    return (i, out)
                }
            }
            var all = [[(login: ProbeLogin, outcome: ProbeOutcome)]](repeating: [], count: picks.count)
            for await (i, r) in group { all[i] = r }
            return all
        }
        var queued: [AlertChange] = []
        let now = clock.now()
        for (i, (target, _)) in picks.enumerated() {
            for r in results[i] { metrics.probeFinished(target, r.outcome) }
            let changes = tracker.record(target, results[i])
            metrics.probeRound(target, up: !results[i].isEmpty && results[i].allSatisfy { $0.outcome.failure == nil }) { tracker.consecutive(target, $0) }
            for c in changes {
                do {
                    if try store.apply(c, at: now) {
                        queued.append(c)
                        if case .open(_, let s) = c { log(s) } else if case .clear(_, let s) = c { log(s) }
                    }
                } catch { log("probes: cannot record a condition change: \(error)") }
            }
        }
        return queued
    }
}
