import DNSRecords
import Providers

extension PlanBuilder {
    /// A domain whose nameservers are not the registrar's: its records would
    /// not take effect, so the plan points it back — a nameserver change,
    /// which `checkSafety` refuses without `--allow-destructive`. Returns the
    /// action (record actions of the domain should depend on it), or nil
    /// when the delegation is right or unknown.
    @discardableResult
    public mutating func addDelegation(_ domain: String, current: Delegation?,
                                       registrarNameservers: [String]) throws -> PlanAction? {
        let address = ResourceAddress(domain: DomainName.normalize(domain), kind: .nameservers)
        var before: ResourceState? = nil
        if let current {
            let names: String = current.nameservers.joined(separator: " ")
            before = ResourceState(["nameservers": PlanValue.string(names)])
        }
        hashes[address] = try ObservedHash.resource(before)
        guard let current, !current.usesRegistrarDNS else { return nil }
        let wanted: String = Delegation.canonical(registrarNameservers).joined(separator: " ")
        let after = ResourceState(["nameservers": PlanValue.string(wanted)])
        let action = PlanAction(.update, address, before: before, after: after,
                                note: "the registrar's DNS must serve the zone for its records to take effect")
        add(action)
        return action
    }
}

/// Nameserver actions → `RegistrarProvider.useRegistrarDNS`.
public struct RegistrarDelegationDriver: ResourceDriver {
    public let provider: @Sendable (String) -> (any RegistrarProvider)?

    public init(provider: @escaping @Sendable (String) -> (any RegistrarProvider)?) { self.provider = provider }

    public func perform(_ step: ExecutionStep) async throws -> StepResult {
        for action in step.actions {
            guard action.address.kind == .nameservers, action.operation == .update else {
                throw DriverError.unsupported(action.id)
            }
            let domain: String = action.address.domain
            guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
            do {
                try await p.useRegistrarDNS(domain)
            } catch {
                if error.kind == .outcomeUnknown { throw OutcomeUnknown(error.description) }
                throw error
            }
        }
        return StepResult.done(outputs: [:])
    }

    public func probe(_ action: PlanAction) async throws -> ProbeResult {
        let domain: String = action.address.domain
        guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
        let delegation: Delegation = try await p.delegation(of: domain)
        if delegation.usesRegistrarDNS { return ProbeResult.applied(outputs: [:]) }
        return ProbeResult.notApplied
    }
}
