import Foundation
import Inventory

/// The inventory `import` starts from: accounts, and optionally the fleet
/// settings (`defaults`, `monitoring`, `limits`, …), but no groups — the
/// groups and domains are what import writes. The loader accepts such an
/// inventory as it is (it only warns "no groups"); the checks here are the
/// ones import needs on top, each naming the file and line to fix.
struct AccountsInventory: Sendable {
    var inventory: Inventory
    /// The input's files as read: path relative to the directory, and text.
    /// They are copied unchanged into the output, comments and all.
    var files: [(name: String, text: String)]
    /// Top-level sections written somewhere in the input (`defaults`, `monitoring`…).
    var sections: Set<String>

    static func load(directory: String) throws -> AccountsInventory {
        let loaded = try InventoryLoader().load(directory: directory)
        let inventory = loaded.inventory
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var files: [(String, String)] = []
        var sections: Set<String> = []
        for path in inventory.files {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let name = path.hasPrefix(dir + "/") ? String(path.dropFirst(dir.count + 1)) : (path as NSString).lastPathComponent
            files.append((name, text))
            // Already parsed once by the loader without an error: this cannot fail.
            if let root = try? YAMLReader().parse(Array(text.utf8)), case .mapping(let pairs) = root.value {
                for p in pairs { if let k = p.key.scalarText { sections.insert(k) } }
            }
        }
        let first = inventory.files.first ?? dir
        if let g = inventory.groups.first {
            throw AppError("\(g.location): group '\(g.name)': import reads an inventory of accounts only (and fleet settings); "
                + "it writes the groups and domains itself. Remove the group files, or point --inventory at a directory with the accounts.")
        }
        if sections.contains("groups") {
            throw AppError("\(first): groups: import reads an inventory of accounts only; remove the `groups:` section")
        }
        if files.contains(where: { $0.0 == ImportYAML.fleetFile }) {
            throw AppError("\(dir)/\(ImportYAML.fleetFile):1:1: import writes a file of that name beside the input's; rename it")
        }
        let kinds = Set(inventory.accounts.values.map(\.kind))
        var missing: [String] = []
        if !kinds.contains(where: \.isRegistrar) { missing.append("a registrar account (porkbun or namecheap): every domain is imported from its registrar") }
        if !kinds.contains(.mailgun) { missing.append("a mailgun account: every domain sends through a Mailgun pool, and the groups are proposed from them") }
        if !missing.isEmpty {
            let at = inventory.accounts.values.map(\.location).min().map(\.description) ?? "\(first):1:1"
            throw AppError(missing.map { "\(at): accounts: import needs \($0)" }.joined(separator: "\n"))
        }
        return AccountsInventory(inventory: inventory, files: files, sections: sections)
    }

    /// Checks `--from` against the accounts: a source with no account of its kind is a mistake.
    func check(sources: Set<ImportRequest.Source>, directory: String) throws {
        for s in sources where s != .all {
            guard !inventory.accounts.values.contains(where: { $0.kind.rawValue == s.rawValue }) else { continue }
            throw AppError("\(inventory.files.first ?? directory):1:1: accounts: --from \(s.rawValue), but the inventory has no \(s.rawValue) account")
        }
    }
}
