import Inventory

/// `--changed-since`: wired to the Reconciler's ChangedSince (pending merge).
enum ChangedScope {
    static func domains(changedSince ref: String, inventoryDirectory: String, desired: DesiredState) throws -> Set<String> {
        throw CLIError("--changed-since is not available yet")
    }
}
