import Foundation
import Inventory
import Store

/// Which state a command uses: `--state`, else `RECONCILE_STATE`, else the
/// inventory's `state:` key, else the command's default file.
public enum StateChoice {
    public static let defaultPath = ".reconcile/state.sqlite"
    public static var sandboxPath: String { SandboxSession.home + "/state.sqlite" }

    /// For commands that have not loaded the inventory: it is read only when
    /// neither the option nor the environment decides, and only if it exists
    /// (a command run without an inventory keeps its default).
    public static func resolve(option: String?, inventoryDirectory: String?, defaultPath: String = defaultPath,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StateLocation {
        var fromInventory: String? = nil
        if (option ?? "").isEmpty, (environment["RECONCILE_STATE"] ?? "").isEmpty, let dir = inventoryDirectory {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue {
                fromInventory = try InventoryLoader().load(directory: dir).inventory.state
            }
        }
        return try StateLocation.resolve(option: option, environment: environment, inventory: fromInventory, defaultPath: defaultPath)
    }

    /// For commands that already hold the inventory.
    public static func resolve(option: String?, inventory: Inventory, defaultPath: String = defaultPath,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StateLocation {
        try StateLocation.resolve(option: option, environment: environment, inventory: inventory.state, defaultPath: defaultPath)
    }

    /// Each account's request budget is shared through files beside a file
    /// state; a PostgreSQL state keeps them where the default state would.
    public static func rateDirectory(for location: StateLocation) -> String {
        guard case .file(let path) = location else { return ".reconcile/rate" }
        let dir = (path as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/rate"
    }
}
