/// How one action ended in an apply run.
public enum ActionOutcome: Sendable, Hashable, CustomStringConvertible {
    case succeeded
    /// Done by an earlier run of the same plan (journal), or found in effect
    /// when an unknown outcome was re-read.
    case alreadyApplied
    case pending(String)
    case failed(String)
    /// Not run: an action it depends on did not succeed.
    case skipped(because: ActionID)
    /// Interrupted mid-call, or a write that may have happened: left as
    /// started in the journal; the next run re-reads it.
    case unknown

    public var isDone: Bool {
        switch self {
        case .succeeded, .alreadyApplied: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .succeeded: "done"
        case .alreadyApplied: "already applied"
        case .pending(let why): "pending: \(why)"
        case .failed(let why): "failed: \(why)"
        case .skipped(let dep): "skipped: \(dep) did not succeed"
        case .unknown: "outcome unknown (the next run re-reads it)"
        }
    }
}

/// What an apply did, in plan order.
public struct ApplySummary: Sendable, Hashable {
    public var runID: String
    public var outcomes: [(ActionID, ActionOutcome)]

    public static func == (a: ApplySummary, b: ApplySummary) -> Bool {
        a.runID == b.runID && a.outcomes.map(\.0) == b.outcomes.map(\.0) && a.outcomes.map(\.1) == b.outcomes.map(\.1)
    }
    public func hash(into h: inout Hasher) { h.combine(runID); for (id, o) in outcomes { h.combine(id); h.combine(o) } }

    public func outcome(_ id: ActionID) -> ActionOutcome? { outcomes.first { $0.0 == id }?.1 }

    public var failed: [ActionID] { outcomes.filter { if case .failed = $0.1 { true } else { false } }.map(\.0) }
    public var skipped: [ActionID] { outcomes.filter { if case .skipped = $0.1 { true } else { false } }.map(\.0) }
    public var pending: [ActionID] { outcomes.filter { if case .pending = $0.1 { true } else { false } }.map(\.0) }
    public var done: [ActionID] { outcomes.filter { $0.1.isDone }.map(\.0) }
    public var interrupted: Bool { outcomes.contains { $0.1 == .unknown } }

    /// Every action done; nothing waits.
    public var converged: Bool { outcomes.allSatisfy { $0.1.isDone } }

    /// `reconcile --apply` exit status: 1 when anything failed or was interrupted.
    public var exitCode: Int32 { failed.isEmpty && !interrupted ? 0 : 1 }

    public var sentence: String {
        "\(done.count) done, \(failed.count) failed, \(skipped.count) skipped, \(pending.count) pending"
            + (interrupted ? ", \(outcomes.filter { $0.1 == .unknown }.count) unknown" : "")
    }
}
