import Foundation
import Inventory
import Reconciler
import Store

/// `reconcile explain DOMAIN`: plans that one domain exactly as `--plan
/// --domain DOMAIN` would (same observation cache, same refresh policy) and
/// explains it. The settings' file and line are found only here
/// (`DomainProvenance`), never on the plan path.
public enum DomainExplain {
    public static func explain(_ domain: String, in session: FleetSession, refresh: RefreshPolicy) async throws -> DomainExplanation {
        let name = normalize(domain)
        guard let desired = session.desired.domain(named: name),
              let provenance = DomainProvenance(domain: name, inventory: session.inventory,
                                                index: InventorySourceIndex(files: session.inventory.files)) else {
            throw unknownDomain(domain, known: session.desired.domains.map(\.name))
        }
        let result = try await session.planner.plan(scope: FleetPlanner.Scope(domains: [desired.name]), refresh: refresh)
        guard let observed = result.observed else { throw AppError("\(name): the plan kept no observations to explain") }
        return try DomainExplainer(desired: desired, provenance: provenance, plan: result.plan, observed: observed).explain()
    }

    /// As the inventory writes names: lower-case, no trailing dot.
    static func normalize(_ domain: String) -> String {
        let d = domain.trimmingCharacters(in: .whitespaces).lowercased()
        return d.hasSuffix(".") ? String(d.dropLast()) : d
    }

    /// "not a domain of the inventory", with the nearest names it has.
    public static func unknownDomain(_ domain: String, known: [String]) -> AppError {
        let near = NearNames.near(normalize(domain), in: known)
        let hint = near.isEmpty ? "no domain of the \(known.count) in the inventory is close"
            : "did you mean: \(near.joined(separator: ", "))?"
        return AppError("\(domain): not a domain of the inventory (\(hint))")
    }
}
