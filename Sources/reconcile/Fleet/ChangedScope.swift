import Inventory
import Reconciler

/// `--changed-since GITREF`: the domains whose compiled inventory differs
/// from the inventory at that ref.
enum ChangedScope {
    static func domains(changedSince ref: String, inventoryDirectory: String, desired: DesiredState) async throws
        -> (domains: Set<String>, note: String) {
        let scope = try await ChangedSince().scope(ref: ref, inventoryDirectory: inventoryDirectory, current: desired)
        var note = "--changed-since \(ref) (\(scope.commit.prefix(12))): \(scope.changed.count) of "
            + "\(desired.domains.count) domains changed and were read; the other \(scope.unchanged.count) were not"
        if !scope.removed.isEmpty {
            note += "; removed from the inventory since (now unmanaged, never touched): " + scope.removed.sorted().joined(separator: ", ")
        }
        if let why = scope.fallback { note += "; every domain counts as changed: \(why)" }
        return (scope.changed, note)
    }
}
