import Foundation

/// Finds where a key is written inside an inventory mapping, for `explain`.
///
/// The model keeps one `SourceLocation` per mapping (the defaults, an
/// account, a group's or a domain's name) rather than one per field: that is
/// all validation needs, and the plan path stays as cheap as it was. `explain`
/// asks for the line of one setting (`defaults.ttl`, a group's `pool:`) and
/// re-reads only the files it asks about, once each, with the loader's own
/// `YAMLReader` and limits.
public final class InventorySourceIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var trees: [String: YAMLNode?] = [:]
    private let allowed: Set<String>

    /// `files`: the inventory's files as loaded (`Inventory.files`); no other file is ever read.
    public init(files: [String]) { allowed = Set(files) }

    /// The location of `key` in the mapping at `at`: the mapping that starts
    /// there, the mapping under a key written there (an account's name), or
    /// the mapping holding a value written there (a group's or domain's name).
    public func key(_ key: String, near at: SourceLocation) -> SourceLocation? {
        guard at != .builtIn, let root = tree(at.file), let mapping = Self.mapping(near: at, in: root) else { return nil }
        guard case .mapping(let pairs) = mapping.value,
              let pair = pairs.first(where: { $0.key.scalarText == key }) else { return nil }
        return SourceLocation(file: at.file, line: pair.key.line, column: pair.key.column)
    }

    private func tree(_ file: String) -> YAMLNode? {
        guard allowed.contains(file) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if let cached = trees[file] { return cached }
        let parsed = FileManager.default.contents(atPath: file).flatMap { data in
            try? YAMLReader().parse(Array(data))
        }
        trees[file] = .some(parsed)
        return parsed
    }

    static func mapping(near at: SourceLocation, in root: YAMLNode) -> YAMLNode? {
        func starts(_ n: YAMLNode) -> Bool { n.line == at.line && n.column == at.column }
        var found: (exact: YAMLNode?, underKey: YAMLNode?, holding: YAMLNode?) = (nil, nil, nil)
        func walk(_ n: YAMLNode) {
            switch n.value {
            case .scalar: return
            case .sequence(let items): items.forEach(walk)
            case .mapping(let pairs):
                if starts(n), found.exact == nil { found.exact = n }
                for (k, v) in pairs {
                    if starts(k), case .mapping = v.value, found.underKey == nil { found.underKey = v }
                    if starts(v), case .scalar = v.value, found.holding == nil { found.holding = n }
                    walk(v)
                }
            }
        }
        walk(root)
        return found.exact ?? found.underKey ?? found.holding
    }
}
