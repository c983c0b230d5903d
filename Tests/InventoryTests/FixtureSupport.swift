import Foundation
import Inventory

/// Loads the fixture inventories copied into the test bundle (`Fixtures/`).
enum Fixtures {
    static let root: String = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").path

    /// Loads `Fixtures/<name>`; the result's file names are made relative to
    /// the fixture directory so expectations do not depend on where the bundle lives.
    static func load(_ name: String, loader: InventoryLoader = InventoryLoader(), directory: String? = nil) -> Outcome {
        let dir = directory ?? root + "/" + name
        do {
            let r = try loader.load(directory: dir)
            return Outcome(result: r, errors: [], warnings: r.warnings.map { relative($0, dir) })
        } catch {
            return Outcome(result: nil, errors: error.errors.map { relative($0, dir) }, warnings: error.warnings.map { relative($0, dir) })
        }
    }

    struct Outcome {
        var result: LoadResult?
        /// `FILE:LINE:COL: path: message`, sorted.
        var errors: [String]
        var warnings: [String]
    }

    static func relative(_ d: Diagnostic, _ dir: String) -> String {
        d.description.replacingOccurrences(of: dir + "/", with: "")
    }

    /// The repository's example inventory.
    static var repositoryInventory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("inventory").path
    }
}
