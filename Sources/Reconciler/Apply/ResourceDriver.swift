/// The only way the executor reaches providers. Adapters to the provider
/// protocols (registrar DNS, Mailgun, Zoho) implement this; each is small
/// because the executor owns ordering, journaling, retries-by-rerun and
/// value resolution.
public protocol ResourceDriver: Sendable {
    /// Performs one step: a single action, or every action of one batch
    /// (all record changes of a zone on a whole-zone-write registrar).
    /// `after` states arrive resolved: no known-after-apply values remain.
    /// Throwing marks the step's actions failed. Throwing `OutcomeUnknown`
    /// (a write that timed out after sending) leaves their outcome unknown:
    /// the journal keeps them as started and the next run re-reads them.
    /// `CancellationError` does the same and stops the whole apply.
    func perform(_ step: ExecutionStep) async throws -> StepResult

    /// After a crash: is this action's effect in place? Reads only — an
    /// action whose outcome is unknown is re-read, never repeated blindly.
    func probe(_ action: PlanAction) async throws -> ProbeResult
}

/// A driver whose provider has no batch call (Mailgun, Zoho): a step's
/// actions run one after the other; the first that waits makes the step wait.
public protocol PerActionDriver: ResourceDriver {
    func perform(_ action: PlanAction) async throws -> StepResult
}

extension PerActionDriver {
    public func perform(_ step: ExecutionStep) async throws -> StepResult {
        var outputs: [String: String] = [:]
        for action in step.actions {
            switch try await perform(action) {
            case .done(let out): outputs.merge(out) { _, new in new }
            case .pending(let why): return .pending(why)
            }
        }
        return .done(outputs: outputs)
    }
}

/// What the executor hands a driver.
public struct ExecutionStep: Sendable, Hashable {
    public var actions: [PlanAction]
    public var batch: String?

    public init(actions: [PlanAction], batch: String?) {
        self.actions = actions
        self.batch = batch
    }
}

public enum StepResult: Sendable, Hashable {
    /// Done; outputs (a generated DKIM value, a resource id) are recorded for
    /// every action of the step and resolve later known-after-apply values.
    case done(outputs: [String: String])
    /// Not failed, not done: waiting on something outside us (a verification
    /// that needs DNS to propagate). Dependents wait for the next run.
    case pending(String)
}

public enum ProbeResult: Sendable, Hashable {
    case applied(outputs: [String: String])
    case notApplied
}

/// A write that may or may not have happened (a timeout after sending).
public struct OutcomeUnknown: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
