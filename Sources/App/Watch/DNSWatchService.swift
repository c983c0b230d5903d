import Foundation
import Monitor
import Reconciler
import ServiceLifecycle
import Store
import Watch

/// `serve`'s DNS watch: every `monitoring.dns_check_interval` (the first at
/// start) the fleet check, the stored verdicts, the preflight holds and
/// the alerts (`DNSWatchRound`), and its figures on `/metrics`.
public struct DNSWatchService: Service {
    /// The expected zones, re-read each round (an apply may have changed the cache).
    let zones: @Sendable () async throws -> [ExpectedZone]
    let round: DNSWatchRound
    let interval: Double
    let metrics: MonitorMetrics
    let log: @Sendable (String) -> Void

    public init(zones: @escaping @Sendable () async throws -> [ExpectedZone], round: DNSWatchRound, interval: Double,
                metrics: MonitorMetrics, log: @escaping @Sendable (String) -> Void) {
        self.zones = zones; self.round = round; self.interval = interval; self.metrics = metrics; self.log = log
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await once()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
        }
    }

    /// One round; a failure is logged and the next round tries again (holds stay as they were).
    @discardableResult
    public func once() async -> DNSWatchRound.Outcome? {
        let started = Date().timeIntervalSince1970
        do {
            let outcome = try await round.run(try await zones(), at: started)
            let elapsed = Date().timeIntervalSince1970 - started
            metrics.dnsCheckRound(verdicts: outcome.records.map(\.status), seconds: elapsed)
            for h in outcome.holds.placed { log("dns: held \(h.domain): \(h.reason)") }
            for h in outcome.holds.released { log("dns: released \(h.domain)") }
            return outcome
        } catch {
            metrics.dnsCheckFailed()
            log("dns: check round failed: \(error)")
            return nil
        }
    }
}
