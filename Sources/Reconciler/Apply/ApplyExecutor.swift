import DNSRecords
import Foundation
import Store

/// Runs a plan's actions in dependency order with bounded concurrency.
///
/// - Every action is journaled before and after its provider call.
/// - A failed action does not stop independent ones; its dependents are
///   skipped and the summary lists both.
/// - Known-after-apply values are resolved from earlier actions' outputs.
/// - On start, actions a previous run left as started (unknown outcome) are
///   re-read through the driver, never repeated blindly; actions an earlier
///   run of the same plan finished are not run again.
public struct ApplyExecutor: Sendable {
    public var store: StateStore
    public var driver: any ResourceDriver
    public var concurrency: Int
    public var holder: String
    public var now: @Sendable () -> Date
    /// Applied to every provider error before it is journaled or reported,
    /// so a secret a provider echoes back (a key in a URL) never leaves.
    public var redact: @Sendable (String) -> String
    /// Told after each step with (actions settled, actions in the plan), for
    /// the terminal's progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(store: StateStore, driver: any ResourceDriver, concurrency: Int = 4,
                holder: String = "reconcile", now: @escaping @Sendable () -> Date = { Date() },
                redact: @escaping @Sendable (String) -> String = { $0 }, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.store = store
        self.driver = driver
        self.concurrency = max(1, concurrency)
        self.holder = holder
        self.now = now
        self.redact = redact
        self.progress = progress
    }

    var journal: ApplyJournal { ApplyJournal(store) }

    /// Settles every unknown outcome left by earlier runs. Returns the
    /// actions that were found in effect and those that were not.
    @discardableResult
    public func recoverUnknownOutcomes() async throws -> (applied: [ActionID], absent: [ActionID]) {
        var applied: [ActionID] = [], absent: [ActionID] = []
        for entry in try await journal.unknownOutcomes() {
            let action = try JSONDecoder().decode(PlanAction.self, from: entry.action)
            // A probe that fails (provider down, no driver for the kind in this
            // run) leaves the outcome unknown for a later run; it never blocks
            // the apply, and the action is still never repeated blindly.
            let probed: ProbeResult
            do { probed = try await driver.probe(action) } catch { continue }
            switch probed {
            case .applied(let outputs):
                try await journal.resolve(run: entry.runID, actionID: entry.actionID, as: .recoveredApplied,
                                          outputs: outputs, detail: "re-read after an interrupted run: in effect", now: now())
                try await recordOwnership(of: [action])
                applied.append(action.id)
            case .notApplied:
                try await journal.resolve(run: entry.runID, actionID: entry.actionID, as: .recoveredAbsent,
                                          outputs: [:], detail: "re-read after an interrupted run: not in effect", now: now())
                absent.append(action.id)
            }
        }
        return (applied, absent)
    }

    /// Applies `plan` (its safety and freshness are the caller's to check first).
    public func apply(_ plan: Plan, runID: String = UUID().uuidString) async throws -> ApplySummary {
        try await recoverUnknownOutcomes()
        let digest = plan.fingerprint.digest
        try await journal.beginRun(runID, planDigest: digest, holder: holder, now: now())

        let steps = Step.build(plan.actions)
        var outcome: [ActionID: ActionOutcome] = [:]
        var outputs: [ActionID: [String: String]] = [:]

        // What an earlier run of this same plan already did.
        for action in plan.actions {
            guard let entry = try await journal.latest(planDigest: digest, actionID: action.id.rawValue) else { continue }
            switch entry.state {
            case .succeeded, .recoveredApplied:
                outcome[action.id] = .alreadyApplied
                outputs[action.id] = entry.outputs
            case .started:
                // Still unknown (its re-read failed above): running it again
                // could duplicate it. It waits, with its dependents, for a
                // run whose re-read succeeds.
                outcome[action.id] = .unknown
            default:
                break
            }
        }

        var waiting = Array(steps.indices)
        var stepActions: [Int: [PlanAction]] = [:]
        var running = 0
        var stop = false
        try await withThrowingTaskGroup(of: (Int, ActionOutcome, [String: String], Bool).self) { group in
            while true {
                // Settle steps whose fate is decided by their dependencies.
                var progressed = true
                while progressed {
                    progressed = false
                    for (n, i) in waiting.enumerated().reversed() {
                        let step = steps[i]
                        // Settled already (done by an earlier run, or still unknown).
                        if step.actions.allSatisfy({ outcome[$0.id] != nil }) {
                            waiting.remove(at: n); progressed = true; continue
                        }
                        if let blocker = step.dependsOn.first(where: { d in
                            // An interrupted dependency leaves its dependents unreached, not skipped.
                            guard let o = outcome[d], o != .unknown else { return false }
                            return !o.isDone
                        }) {
                            waiting.remove(at: n); progressed = true
                            for a in step.actions where outcome[a.id] == nil {
                                outcome[a.id] = .skipped(because: blocker)
                                try await journal.finished(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                           action: try encode(a), state: .skipped,
                                                           detail: "\(blocker) did not succeed", now: now())
                            }
                        }
                    }
                }
                // Launch ready steps in plan order, up to the concurrency bound.
                while !stop, running < concurrency,
                      let n = waiting.firstIndex(where: { steps[$0].dependsOn.allSatisfy { outcome[$0]?.isDone == true } }) {
                    let i = waiting.remove(at: n)
                    let todo = steps[i].actions.filter { outcome[$0.id] == nil }
                    if todo.isEmpty { continue }
                    var resolved: [PlanAction] = []
                    var unresolved: [OutputReference] = []
                    for var a in todo {
                        if var after = a.after {
                            unresolved += after.resolve(with: outputs)
                            a.after = after
                        }
                        resolved.append(a)
                    }
                    if let missing = unresolved.first {
                        for a in resolved {
                            let why = "\(missing.action) gave no output \"\(missing.output)\""
                            outcome[a.id] = .failed(why)
                            try await journal.finished(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                       action: try encode(a), state: .failed, detail: why, now: now())
                        }
                        continue
                    }
                    for a in resolved {
                        try await journal.started(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                  action: try encode(a), now: now())
                    }
                    running += 1
                    let driver = self.driver, redact = self.redact
                    let step = ExecutionStep(actions: resolved, batch: steps[i].batch)
                    group.addTask {
                        do {
                            try Task.checkCancellation()
                            switch try await driver.perform(step) {
                            case .done(let out): return (i, .succeeded, out, false)
                            case .pending(let why): return (i, .pending(why), [:], false)
                            }
                        } catch is CancellationError {
                            return (i, .unknown, [:], true)
                        } catch is OutcomeUnknown {
                            // The write may have happened: keep "started" so the
                            // next run re-reads it; independent work goes on.
                            return (i, .unknown, [:], false)
                        } catch {
                            return (i, .failed(redact(String(describing: error))), [:], false)
                        }
                    }
                    stepActions[i] = resolved
                }
                if running == 0 { break }
                guard let (i, result, out, interrupted) = try await group.next() else { break }
                running -= 1
                let done = stepActions[i] ?? []
                if result == .unknown {
                    // Leave the journal at "started"; when interrupted, launch nothing more.
                    if interrupted { stop = true }
                    for a in done { outcome[a.id] = .unknown }
                    continue
                }
                for a in done {
                    outcome[a.id] = result
                    switch result {
                    case .succeeded:
                        outputs[a.id] = out
                        try await journal.finished(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                   action: try encode(a), state: .succeeded, outputs: out, now: now())
                    case .pending(let why):
                        try await journal.finished(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                   action: try encode(a), state: .pending, detail: why, now: now())
                    case .failed(let why):
                        try await journal.finished(run: runID, planDigest: digest, actionID: a.id.rawValue,
                                                   action: try encode(a), state: .failed, detail: why, now: now())
                    default: break
                    }
                }
                if result == .succeeded { try await recordOwnership(of: done) }
                progress?(outcome.count, plan.actions.count)
            }
        }
        // Steps never reached (an interruption, or a cycle between batches).
        // Unknown outcomes propagate to every (transitive) dependent first.
        var changed = true
        while changed {
            changed = false
            for a in plan.actions where outcome[a.id] == nil && (stop || a.dependsOn.contains { outcome[$0] == .unknown }) {
                outcome[a.id] = .unknown
                changed = true
            }
        }
        for a in plan.actions where outcome[a.id] == nil { outcome[a.id] = .failed("dependency cycle between batches") }
        let summary = ApplySummary(runID: runID, outcomes: plan.actions.map { ($0.id, outcome[$0.id]!) })
        let status = summary.interrupted ? "interrupted" : !summary.failed.isEmpty ? "failed"
            : summary.converged ? "converged" : "pending"
        try await journal.endRun(runID, status: status, now: now())
        return summary
    }

    /// The records the tool created are its own from now on (see RecordDiff).
    func recordOwnership(of actions: [PlanAction]) async throws {
        let ownership = RecordOwnership(store)
        for (domain, acts) in Dictionary(grouping: actions.filter { $0.address.kind == .dnsRecord }, by: \.address.domain) {
            var adding: [String] = [], removing: [String] = []
            for a in acts {
                if a.operation == .delete || a.operation == .update, let r = a.before?.record {
                    removing.append(try OwnershipKey.encode(r.key))
                }
                if a.operation == .create || a.operation == .update, let r = a.after?.record {
                    adding.append(try OwnershipKey.encode(r.key))
                }
            }
            try await ownership.record(domain: domain, adding: adding, removing: removing, now: now())
        }
    }

    func encode(_ action: PlanAction) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(action)
    }
}

/// A unit of execution: one action, or every action of a batch.
struct Step: Sendable {
    var actions: [PlanAction]
    var batch: String?
    /// Dependencies outside the step.
    var dependsOn: [ActionID]

    static func build(_ actions: [PlanAction]) -> [Step] {
        var steps: [Step] = []
        var batchIndex: [String: Int] = [:]
        for a in actions {
            if let b = a.batch, let i = batchIndex[b] {
                steps[i].actions.append(a)
            } else {
                if let b = a.batch { batchIndex[b] = steps.count }
                steps.append(Step(actions: [a], batch: a.batch, dependsOn: []))
            }
        }
        for i in steps.indices {
            let members = Set(steps[i].actions.map(\.id))
            steps[i].dependsOn = Array(Set(steps[i].actions.flatMap(\.dependsOn)).subtracting(members)).sorted()
        }
        return steps
    }
}

/// How a record key is stored in the ownership table.
public enum OwnershipKey {
    public static func encode(_ key: RecordKey) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(key), as: UTF8.self)
    }

    public static func decode(_ s: String) throws -> RecordKey {
        try JSONDecoder().decode(RecordKey.self, from: Data(s.utf8))
    }

    /// The record keys the tool owns in `domain`.
    public static func owned(_ store: StateStore, domain: String) async throws -> Set<RecordKey> {
        Set(try await RecordOwnership(store).owned(domain: domain).map(decode))
    }
}
