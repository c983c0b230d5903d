import Foundation

/// What one `ApplyExecutor.apply` knows as it goes: each action's outcome,
/// the outputs later actions resolve their known-after-apply values from,
/// the steps still waiting and those running.
struct ApplyRunState {
    let plan: Plan
    let runID: String
    let digest: String
    let steps: [Step]
    var outcome: [ActionID: ActionOutcome] = [:]
    var outputs: [ActionID: [String: String]] = [:]
    /// Indices into `steps`, longest chain of dependents first, then in
    /// plan order (see `launchOrder`).
    var waiting: [Int]
    /// The resolved actions of each launched step.
    var launched: [Int: [PlanAction]] = [:]
    var running = 0
    /// Each step's lane (the provider account whose budget paces it) and
    /// the steps running per lane: the concurrency bound holds per lane, so
    /// steps queued on a slow budget never hold the slots another
    /// provider's ready steps need (issue #13 §4).
    var lanes: [String]
    var runningPerLane: [String: Int] = [:]
    /// Interrupted: launch nothing more.
    var stopped = false
    /// An outcome other than success was recorded since the waiting steps
    /// were last settled. Only such an outcome (or the replay before the
    /// first settle) can decide a waiting step, and settling scans every
    /// waiting step's dependencies: done after every finished step, it made a
    /// 6,000-domain apply quadratic.
    var needsSettling = true

    init(plan: Plan, runID: String, lane: (PlanAction) -> String = { _ in "" }) {
        self.plan = plan
        self.runID = runID
        digest = plan.fingerprint.digest
        steps = Step.build(plan.actions)
        waiting = Self.launchOrder(steps)
        lanes = steps.map { lane($0.actions[0]) }
    }

    /// Critical path first: among ready steps, the one with the longest
    /// chain of steps waiting on it goes first, so a write that unlocks a
    /// verification, then a second write (another lane, another budget) is
    /// not queued behind leaves nothing waits on (a user, a DKIM verify)
    /// while those lanes idle (issue #13 §4). Ties keep plan order.
    static func launchOrder(_ steps: [Step]) -> [Int] {
        var stepOf: [ActionID: Int] = [:]
        for (i, s) in steps.enumerated() { for a in s.actions { stepOf[a.id] = i } }
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (i, s) in steps.enumerated() {
            for d in Set(s.dependsOn.compactMap { stepOf[$0] }) where d != i { dependents[d].append(i) }
        }
        // Height: 1 + the highest dependent; iterative, a cycle between
        // batches (failed later as such) counts as a leaf where it closes.
        var height = [Int](repeating: 0, count: steps.count)
        var state = [UInt8](repeating: 0, count: steps.count)   // 0 new, 1 on the stack, 2 done
        for root in steps.indices where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while let top = stack.last {
                let deps = dependents[top.node]
                if top.next < deps.count {
                    stack[stack.count - 1].next += 1
                    let d = deps[top.next]
                    if state[d] == 0 { state[d] = 1; stack.append((d, 0)) }
                    continue
                }
                height[top.node] = 1 + (deps.lazy.filter { state[$0] == 2 }.map { height[$0] }.max() ?? 0)
                state[top.node] = 2
                stack.removeLast()
            }
        }
        return steps.indices.sorted { height[$0] != height[$1] ? height[$0] > height[$1] : $0 < $1 }
    }

    /// A dependency that ended other than done. An interrupted (unknown)
    /// one leaves its dependents unreached, not skipped.
    func failedDependency(of step: Step) -> ActionID? {
        step.dependsOn.first { d in
            guard let o = outcome[d], o != .unknown else { return false }
            return !o.isDone
        }
    }

    /// The first step (in launch order) whose dependencies are all done and
    /// whose lane has fewer than `bound` steps running, taken off the
    /// waiting list.
    mutating func nextReadyStep(bound: Int) -> Int? {
        guard !stopped, let n = waiting.firstIndex(where: { i in
            runningPerLane[lanes[i], default: 0] < bound && steps[i].dependsOn.allSatisfy { outcome[$0]?.isDone == true }
        }) else { return nil }
        return waiting.remove(at: n)
    }

    /// `actions` with their known-after-apply values filled in, and the
    /// first output that was missing, if any.
    func resolveOutputs(_ actions: [PlanAction]) -> ([PlanAction], OutputReference?) {
        var resolved: [PlanAction] = []
        var unresolved: [OutputReference] = []
        for var a in actions {
            if var after = a.after {
                unresolved += after.resolve(with: outputs)
                a.after = after
            }
            resolved.append(a)
        }
        return (resolved, unresolved.first)
    }

    /// Steps never reached (an interruption, or a cycle between batches).
    /// Unknown outcomes propagate to every (transitive) dependent step first,
    /// whole: a zone batch waiting on one unknown value is never written, so
    /// its records that do not need that value are unknown too.
    mutating func settleUnreached() {
        var changed = true
        while changed {
            changed = false
            for step in steps where stopped || step.dependsOn.contains(where: { outcome[$0] == .unknown }) {
                for a in step.actions where outcome[a.id] == nil {
                    outcome[a.id] = .unknown
                    changed = true
                }
            }
        }
        for a in plan.actions where outcome[a.id] == nil { outcome[a.id] = .failed("dependency cycle between batches") }
    }

    var summary: ApplySummary { ApplySummary(runID: runID, outcomes: plan.actions.map { ($0.id, outcome[$0.id]!) }) }
}

/// A step back from the driver.
struct FinishedStep: Sendable {
    var index: Int
    var outcome: ActionOutcome
    var outputs: [String: String] = [:]
    /// Cancelled mid-call.
    var interrupted = false
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
