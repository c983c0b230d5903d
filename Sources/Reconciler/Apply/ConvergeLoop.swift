import Foundation

/// Plan, apply, re-plan until the fleet converges or only waits remain
/// past `maxWait` (`--wait DURATION`). A verification waiting for DNS is
/// not a failure: the loop (or the next run) continues it.
public struct ConvergeLoop: Sendable {
    public var maxWait: TimeInterval
    public var pause: TimeInterval
    public var now: @Sendable () -> Date
    public var sleep: @Sendable (TimeInterval) async throws -> Void

    public init(maxWait: TimeInterval, pause: TimeInterval = 10, now: @escaping @Sendable () -> Date = { Date() },
                sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64($0 * 1e9)) }) {
        self.maxWait = maxWait
        self.pause = pause
        self.now = now
        self.sleep = sleep
    }

    public enum Result: Sendable {
        /// A fresh plan has no actions.
        case converged(rounds: Int)
        /// Actions failed or the run was interrupted; the next run continues.
        case failed(ApplySummary, rounds: Int)
        /// Only waits remain and `maxWait` has passed.
        case waiting(ApplySummary, rounds: Int)
        /// Every action succeeded, yet the next plan is the same again: a
        /// provider normalisation the diff does not know (false drift).
        /// Stops instead of rewriting the same records forever.
        case notConverging(Plan, rounds: Int)
    }

    public func run(plan makePlan: @Sendable () async throws -> Plan,
                    apply: @Sendable (Plan) async throws -> ApplySummary) async throws -> Result {
        let deadline = now().addingTimeInterval(maxWait)
        var previous: [ActionID]? = nil
        var rounds = 0
        while true {
            let plan = try await makePlan()
            if !plan.hasChanges { return .converged(rounds: rounds) }
            let ids = plan.actions.map(\.id)
            let onlyWaits = plan.actions.allSatisfy { !$0.operation.isChange }
            if ids == previous && !onlyWaits { return .notConverging(plan, rounds: rounds) }
            rounds += 1
            let summary = try await apply(plan)
            if !summary.failed.isEmpty || summary.interrupted { return .failed(summary, rounds: rounds) }
            if !summary.pending.isEmpty {
                if now() >= deadline { return .waiting(summary, rounds: rounds) }
                try await sleep(pause)
            }
            previous = ids
        }
    }
}
