import Inventory

extension ChangedSince {
    /// The inventory of `inventoryDirectory` as it was at `ref` (loaded, not
    /// compiled), or nil when the directory had no `*.yaml` files there.
    /// A base that does not load throws its `InventoryError`.
    public func inventory(at ref: String, inventoryDirectory: String) async throws -> Inventory? {
        let (top, prefix) = try await repository(of: inventoryDirectory)
        let commit = try await resolve(ref, in: top)
        let files = try await inventoryFiles(commit: commit, ref: ref, prefix: prefix, top: top)
        guard !files.isEmpty else { return nil }
        return try loader.load(files: files).inventory
    }
}
