/// A loaded and compiled inventory: what `validate`, `--plan`, `--apply` and
/// `drift` all start from, loaded once.
public struct CompiledInventory: Sendable {
    public var inventory: Inventory
    public var desired: DesiredState
    /// The loader's and the compiler's warnings, sorted.
    public var warnings: [Diagnostic]
    /// `LoadResult.contentHash`: the hash of exactly the bytes compiled.
    public var contentHash: String
}

extension InventoryLoader {
    /// Loads and compiles. A compile error carries the load warnings too, so
    /// one report lists every problem.
    public func loadAndCompile(directory: String, compiler: DesiredStateCompiler = DesiredStateCompiler())
        throws(InventoryError) -> CompiledInventory {
        let loaded = try load(directory: directory)
        let desired: DesiredState
        do { desired = try compiler.compile(loaded.inventory) } catch {
            throw InventoryError(error.diagnostics + loaded.warnings)
        }
        return CompiledInventory(inventory: loaded.inventory, desired: desired,
                                 warnings: (loaded.warnings + desired.warnings).sorted(), contentHash: loaded.contentHash)
    }
}
