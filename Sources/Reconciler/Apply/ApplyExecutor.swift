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
    /// The provider account an action's calls are paced by; `concurrency`
    /// bounds the steps running in each lane. One lane by default.
    public var lane: @Sendable (PlanAction) -> String

    public init(store: StateStore, driver: any ResourceDriver, concurrency: Int = 4,
                holder: String = "reconcile", now: @escaping @Sendable () -> Date = { Date() },
                redact: @escaping @Sendable (String) -> String = { $0 }, progress: (@Sendable (Int, Int) -> Void)? = nil,
                lane: @escaping @Sendable (PlanAction) -> String = { _ in "" }) {
        self.store = store
        self.driver = driver
        self.lane = lane
        self.concurrency = max(1, concurrency)
        self.holder = holder
        self.now = now
        self.redact = redact
        self.progress = progress
    }

    var journal: ApplyJournal { ApplyJournal(store) }

    /// What settling earlier runs' unknown outcomes found.
    public struct Recovery: Sendable, Equatable {
        public var applied: [ActionID] = []
        public var absent: [ActionID] = []
        /// Entries whose re-read failed, with the (redacted) reason: still
        /// unknown, never repeated, retried by the next run.
        public var unsettled: [ActionID: String] = [:]
        /// Every action looked at: what they touched may be cached as it was before.
        public var actions: [PlanAction] = []

        public var isEmpty: Bool { applied.isEmpty && absent.isEmpty && unsettled.isEmpty }
    }

    /// Settles every unknown outcome left by earlier runs by re-reading it.
    @discardableResult
    public func recoverUnknownOutcomes() async throws -> Recovery {
        var found = Recovery()
        for entry in try await journal.unknownOutcomes() {
            let action = try JSONDecoder().decode(PlanAction.self, from: entry.action)
            found.actions.append(action)
            // A probe that fails (provider down, no driver for the kind in this
            // run) leaves the outcome unknown for a later run; it never blocks
            // the apply, and the action is still never repeated blindly.
            let probed: ProbeResult
            do { probed = try await driver.probe(action) } catch {
                found.unsettled[action.id] = redact(String(describing: error))
                continue
            }
            switch probed {
            case .applied(let outputs):
                try await journal.resolve(run: entry.runID, actionID: entry.actionID, as: .recoveredApplied,
                                          outputs: outputs, detail: "re-read after an interrupted run: in effect", now: now())
                try await recordOwnership(of: [action])
                found.applied.append(action.id)
            case .notApplied:
                try await journal.resolve(run: entry.runID, actionID: entry.actionID, as: .recoveredAbsent,
                                          outputs: [:], detail: "re-read after an interrupted run: not in effect", now: now())
                found.absent.append(action.id)
            }
        }
        return found
    }

    /// Applies `plan` (its safety and freshness are the caller's to check first):
    /// replay what an earlier run of the same plan did, then settle, launch
    /// and record steps until none is running, then settle what was never
    /// reached.
    public func apply(_ plan: Plan, runID: String = UUID().uuidString) async throws -> ApplySummary {
        try await recoverUnknownOutcomes()
        var run = ApplyRunState(plan: plan, runID: runID, lane: lane)
        try await journal.beginRun(runID, planDigest: run.digest, holder: holder, now: now())
        try await replayEarlierRun(&run)
        try await withThrowingTaskGroup(of: FinishedStep.self) { group in
            while true {
                try await settleDecidedSteps(&run)
                try await launchReadySteps(&run, into: &group)
                if run.running == 0 { break }
                guard let finished = try await group.next() else { break }
                try await record(finished, &run)
            }
        }
        run.settleUnreached()
        let summary = run.summary
        let status = summary.interrupted ? "interrupted" : !summary.failed.isEmpty ? "failed"
            : summary.converged ? "converged" : "pending"
        try await journal.endRun(runID, status: status, now: now())
        return summary
    }

    /// What an earlier, unfinished run of this same plan already did.
    func replayEarlierRun(_ run: inout ApplyRunState) async throws {
        let earlier = try await journal.resumable(planDigest: run.digest)
        for action in run.plan.actions {
            guard let entry = earlier[action.id.rawValue] else { continue }
            switch entry.state {
            case .succeeded, .recoveredApplied:
                run.outcome[action.id] = .alreadyApplied
                run.outputs[action.id] = entry.outputs
            case .started:
                // Still unknown (its re-read failed): running it again could
                // duplicate it. It waits, with its dependents, for a run whose
                // re-read succeeds.
                run.outcome[action.id] = .unknown
            default:
                break
            }
        }
    }

    /// Takes off the waiting list every step whose fate is decided without
    /// running it: done already, or skipped because a dependency failed.
    func settleDecidedSteps(_ run: inout ApplyRunState) async throws {
        guard run.needsSettling else { return }
        run.needsSettling = false
        var progressed = true
        while progressed {
            progressed = false
            for (n, i) in run.waiting.enumerated().reversed() {
                let step = run.steps[i]
                if step.actions.allSatisfy({ run.outcome[$0.id] != nil }) {
                    run.waiting.remove(at: n); progressed = true; continue
                }
                guard let blocker = run.failedDependency(of: step) else { continue }
                run.waiting.remove(at: n); progressed = true
                for a in step.actions where run.outcome[a.id] == nil {
                    run.outcome[a.id] = .skipped(because: blocker)
                    try await journalFinished(a, run, .skipped, detail: "\(blocker) did not succeed")
                }
            }
        }
    }

    /// Launches ready steps in plan order, up to the concurrency bound of
    /// each lane, with their known-after-apply values resolved from earlier
    /// outputs.
    func launchReadySteps(_ run: inout ApplyRunState, into group: inout ThrowingTaskGroup<FinishedStep, any Error>) async throws {
        while let i = run.nextReadyStep(bound: concurrency) {
            let todo = run.steps[i].actions.filter { run.outcome[$0.id] == nil }
            if todo.isEmpty { continue }
            let (resolved, missing) = run.resolveOutputs(todo)
            if let missing {
                let why = "\(missing.action) gave no output \"\(missing.output)\""
                run.needsSettling = true
                for a in resolved {
                    run.outcome[a.id] = .failed(why)
                    try await journalFinished(a, run, .failed, detail: why)
                }
                continue
            }
            for a in resolved {
                try await journal.started(run: run.runID, planDigest: run.digest, actionID: a.id.rawValue, action: try encode(a), now: now())
            }
            run.running += 1
            run.runningPerLane[run.lanes[i], default: 0] += 1
            run.launched[i] = resolved
            let driver = self.driver, redact = self.redact
            let step = ExecutionStep(actions: resolved, batch: run.steps[i].batch)
            group.addTask { await Self.perform(step, index: i, driver: driver, redact: redact) }
        }
    }

    /// One step through the driver; every error becomes an outcome.
    static func perform(_ step: ExecutionStep, index i: Int, driver: any ResourceDriver,
                        redact: @Sendable (String) -> String) async -> FinishedStep {
        do {
            try Task.checkCancellation()
            switch try await driver.perform(step) {
            case .done(let out): return FinishedStep(index: i, outcome: .succeeded, outputs: out)
            case .pending(let why): return FinishedStep(index: i, outcome: .pending(why))
            }
        } catch is CancellationError {
            return FinishedStep(index: i, outcome: .unknown, interrupted: true)
        } catch is OutcomeUnknown {
            // The write may have happened: keep "started" so the next run
            // re-reads it; independent work goes on.
            return FinishedStep(index: i, outcome: .unknown)
        } catch {
            return FinishedStep(index: i, outcome: .failed(redact(String(describing: error))))
        }
    }

    /// Journals a finished step's actions and takes ownership of what it created.
    func record(_ finished: FinishedStep, _ run: inout ApplyRunState) async throws {
        run.running -= 1
        run.runningPerLane[run.lanes[finished.index], default: 1] -= 1
        let done = run.launched[finished.index] ?? []
        let result = finished.outcome
        if result != .succeeded { run.needsSettling = true }
        if result == .unknown {
            // The journal stays at "started"; when interrupted, launch nothing more.
            if finished.interrupted { run.stopped = true }
            for a in done { run.outcome[a.id] = .unknown }
            return
        }
        for a in done {
            run.outcome[a.id] = result
            switch result {
            case .succeeded:
                run.outputs[a.id] = finished.outputs
                try await journalFinished(a, run, .succeeded, outputs: finished.outputs)
            case .pending(let why): try await journalFinished(a, run, .pending, detail: why)
            case .failed(let why): try await journalFinished(a, run, .failed, detail: why)
            default: break
            }
        }
        if result == .succeeded { try await recordOwnership(of: done) }
        progress?(run.outcome.count, run.plan.actions.count)
    }

    func journalFinished(_ a: PlanAction, _ run: ApplyRunState, _ state: JournalState,
                         outputs: [String: String] = [:], detail: String? = nil) async throws {
        try await journal.finished(run: run.runID, planDigest: run.digest, actionID: a.id.rawValue, action: try encode(a),
                                   state: state, outputs: outputs, detail: detail, now: now())
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

/// How a record key is stored in the ownership table.
public enum OwnershipKey {
    public static func encode(_ key: RecordKey) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(key), as: UTF8.self)
    }

    public static func decode(_ s: String) throws -> RecordKey {
        if let key = decodeEncoded(s) { return key }
        return try JSONDecoder().decode(RecordKey.self, from: Data(s.utf8))
    }

    /// Reads exactly the layout `encode` writes — `{"name":"…","priority":N,
    /// "type":"…","value":"…"}` — without Foundation (JSONDecoder per owned
    /// key was 7 % of a warm plan's CPU); nil for anything else (an escape,
    /// another layout), which JSONDecoder then reads.
    static func decodeEncoded(_ s: String) -> RecordKey? {
        let b = Array(s.utf8)
        var i = 0
        func take(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != literal.utf8Start[k] { return false }
            i += n
            return true
        }
        func string() -> String? {
            let start = i
            while i < b.count, b[i] != UInt8(ascii: "\"") {
                if b[i] == UInt8(ascii: "\\") || b[i] < 0x20 { return nil }
                i += 1
            }
            guard i < b.count else { return nil }
            defer { i += 1 }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        guard take("{\"name\":\""), let name = string() else { return nil }
        var priority: Int?
        if take(",\"priority\":") {
            let start = i
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") { i += 1 }
            guard let p = Int(String(decoding: b[start..<i], as: UTF8.self)) else { return nil }
            priority = p
        }
        guard take(",\"type\":\""), let t = string(), let type = RecordType(rawValue: t),
              take(",\"value\":\""), let value = string(), take("}"), i == b.count else { return nil }
        return RecordKey(name: name, type: type, priority: priority, value: value)
    }

    /// The record keys the tool owns in `domain`.
    public static func owned(_ store: StateStore, domain: String) async throws -> Set<RecordKey> {
        Set(try await RecordOwnership(store).owned(domain: domain).map(decode))
    }
}
