import DNSRecords
import Foundation
import Providers

extension PlanBuilder {
    /// Auto-renew, planned like any other field: the account listing's
    /// `autoRenew` against the inventory's `auto_renew`. A registrar whose
    /// API cannot set it (Namecheap: registrars.md B6) gets a warning instead
    /// of an action. A registration expiring within `warnWithin` seconds of
    /// `now` with auto-renew off is a warning too, whatever the plan does.
    @discardableResult
    public mutating func addRenewal(_ domain: String, desired: Bool, observed: RegistrarDomain?, canSet: Bool,
                                    now: Date, warnWithin: Double) throws -> PlanAction? {
        guard let observed else { return nil }
        let name = DomainName.normalize(domain)
        var action: PlanAction?
        if observed.autoRenew != desired {
            if canSet {
                let address = ResourceAddress(domain: name, kind: .registrarDomain)
                let before = ResourceState(["auto_renew": PlanValue.bool(observed.autoRenew)])
                hashes[address] = try ObservedHash.resource(before)
                let a = PlanAction(.update, address, before: before, after: ResourceState(["auto_renew": PlanValue.bool(desired)]),
                                   note: desired ? "the registration renews itself before it expires" : "the registration lapses at expiry unless renewed by hand")
                add(a)
                action = a
            } else {
                warn(name, .autoRenewUnsettable, "auto-renew is \(observed.autoRenew ? "on" : "off") at the registrar, the inventory wants it \(desired ? "on" : "off"); "
                     + "the registrar's API cannot set it: change it in its dashboard")
            }
        }
        if !observed.autoRenew, let expires = observed.expires, expires.timeIntervalSince(now) <= warnWithin {
            let days = Int((expires.timeIntervalSince(now) / 86_400).rounded(.down))
            let when = days < 0 ? "expired \(-days) day\(days == -1 ? "" : "s") ago" : "expires in \(days) day\(days == 1 ? "" : "s")"
            warn(name, .registrationExpiring, "registration \(when) (\(FixedFormatDate.day(expires))) and auto-renew is off" + (action?.after?["auto_renew"] == .bool(true) ? " (this plan turns it on)" : ""))
        }
        return action
    }

}

/// Auto-renew actions → `RegistrarProvider.setAutoRenew`.
public struct RegistrarRenewalDriver: ResourceDriver {
    public let provider: @Sendable (String) -> (any RegistrarProvider)?

    public init(provider: @escaping @Sendable (String) -> (any RegistrarProvider)?) { self.provider = provider }

    public func perform(_ step: ExecutionStep) async throws -> StepResult {
        for action in step.actions {
            guard action.address.kind == .registrarDomain, action.operation == .update,
                  case .bool(let on)? = action.after?["auto_renew"] else { throw DriverError.unsupported(action.id) }
            let domain = action.address.domain
            guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
            do {
                try await p.setAutoRenew(domain, on)
            } catch {
                if error.kind == .outcomeUnknown { throw OutcomeUnknown(error.description) }
                throw error
            }
        }
        return StepResult.done(outputs: [:])
    }

    /// Re-reads the account listing: applied when auto-renew is what the action set.
    public func probe(_ action: PlanAction) async throws -> ProbeResult {
        let domain = action.address.domain
        guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
        guard let listed = try await p.listDomains().first(where: { $0.name == domain }) else { return .notApplied }
        return action.after?["auto_renew"] == .bool(listed.autoRenew) ? .applied(outputs: [:]) : .notApplied
    }
}
