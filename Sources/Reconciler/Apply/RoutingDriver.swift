/// Sends each step to the driver for its resource kind, so `FleetApplier`
/// composes one driver per provider family (registrar zones, registrar delegation,
/// Mailgun, Zoho) into the one the executor uses.
public struct RoutingDriver: ResourceDriver {
    public var routes: [ResourceKind: any ResourceDriver]

    public init(_ routes: [ResourceKind: any ResourceDriver]) { self.routes = routes }

    public func perform(_ step: ExecutionStep) async throws -> StepResult {
        try await driver(for: step.actions[0]).perform(step)
    }

    public func probe(_ action: PlanAction) async throws -> ProbeResult {
        try await driver(for: action).probe(action)
    }

    func driver(for action: PlanAction) throws -> any ResourceDriver {
        guard let d = routes[action.address.kind] else { throw RoutingError.noDriver(action.address.kind, action.id) }
        return d
    }
}

public enum RoutingError: Error, Sendable, Equatable, CustomStringConvertible {
    case noDriver(ResourceKind, ActionID)
    public var description: String {
        switch self {
        case let .noDriver(kind, id): "no driver handles \(kind.label) resources (\(id))"
        }
    }
}
