import Foundation
import Inventory
import Reconciler

/// Which part of the fleet a run reads: `--domain`, `--group` (their union)
/// and `--changed-since` (intersected with them).
public struct ScopeRequest: Sendable, Hashable {
    /// As given: repeatable, each possibly comma-separated.
    public var domains: [String]
    public var groups: [String]
    /// A git ref.
    public var changedSince: String?

    public init(domains: [String] = [], groups: [String] = [], changedSince: String? = nil) {
        self.domains = domains
        self.groups = groups
        self.changedSince = changedSince
    }

    public var isEmpty: Bool { domains.isEmpty && groups.isEmpty && changedSince == nil }

    /// The scope, and for `--changed-since` the note saying what was left
    /// out. Unknown names are errors, not silently empty plans.
    public func resolve(desired: DesiredState, inventoryDirectory: String) async throws -> (scope: FleetPlanner.Scope, note: String?) {
        var picked = try named(in: desired)
        guard let ref = changedSince else { return (FleetPlanner.Scope(domains: picked), nil) }
        let changed = try await ChangedSince().scope(ref: ref, inventoryDirectory: inventoryDirectory, current: desired)
        picked = picked.map { $0.intersection(changed.changed) } ?? changed.changed
        return (FleetPlanner.Scope(domains: picked), changed.note)
    }

    /// The domains `--domain` and `--group` name; nil when neither is given.
    public func named(in desired: DesiredState) throws(AppError) -> Set<String>? {
        let split = { (values: [String]) in
            values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        }
        let known = Set(desired.domains.map(\.name))
        let domains = split(self.domains).map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
        for d in domains where !known.contains(d) { throw AppError("--domain \(d): not a domain of the inventory") }
        let groups = split(self.groups)
        let groupNames = Set(desired.domains.map { $0.group.lowercased() })
        for g in groups where !groupNames.contains(g) {
            throw AppError("--group \(g): not a group of the inventory (groups: \(groupNames.sorted().joined(separator: ", ")))")
        }
        if domains.isEmpty && groups.isEmpty { return nil }
        return Set(domains).union(desired.domains.filter { groups.contains($0.group.lowercased()) }.map(\.name))
    }
}
