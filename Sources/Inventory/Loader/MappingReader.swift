/// Reads one YAML mapping against a fixed set of keys: reports unknown keys
/// (with a suggestion), duplicate keys and non-string keys once, and missing
/// required keys at the mapping itself. Supports YAML merge keys (`<<: *base`).
public struct MappingReader {
    public let node: YAMLNode
    public let path: String
    private let ctx: DecodeContext
    private var entries: [String: (key: YAMLNode, value: YAMLNode)] = [:]
    /// Keys in document order (own keys first, then merged ones).
    public private(set) var orderedKeys: [String] = []

    /// Nil (after reporting) when `node` is not a mapping. `allowed` nil
    /// accepts any key (for name → value maps such as `accounts`).
    /// Keys starting with `ignoring` (the top level's `x-`) are skipped: a
    /// place for anchors that merge keys reuse.
    public init?(_ node: YAMLNode, path: String, ctx: DecodeContext, allowed: [String]?, what: String = "a mapping", ignoring: String? = nil) {
        guard case .mapping(let pairs) = node.value else {
            ctx.error(node, path, "expected \(what), found \(node.kindName)")
            return nil
        }
        self.node = node
        self.path = path
        self.ctx = ctx
        var merged: [(key: YAMLNode, value: YAMLNode)] = []
        for (k, v) in pairs {
            guard case .scalar(let name, _) = k.value, !k.isNull else {
                ctx.error(k, path, "keys must be strings, found \(k.kindName)")
                continue
            }
            guard ctx.refusingControlCharacters(name, k, path) != nil else { continue }
            if name == "<<", case .scalar(_, true) = k.value {
                merged.append(contentsOf: MappingReader.mergeSources(v, path: path, ctx: ctx))
                continue
            }
            if let ignoring, name.hasPrefix(ignoring) { continue }
            if let first = entries[name] {
                ctx.error(k, FieldPath.key(path, name), "duplicate key (first at line \(first.key.line), column \(first.key.column))")
                continue
            }
            if let allowed, !allowed.contains(name) {
                ctx.error(k, FieldPath.key(path, name), "unknown key '\(name)'\(Suggest.hint(name, allowed))")
                continue
            }
            entries[name] = (k, v)
            orderedKeys.append(name)
        }
        // Merged keys fill in what the mapping does not say itself.
        for (k, v) in merged {
            guard case .scalar(let name, _) = k.value, entries[name] == nil else { continue }
            if let allowed, !allowed.contains(name) {
                ctx.error(k, FieldPath.key(path, name), "unknown key '\(name)'\(Suggest.hint(name, allowed))")
                continue
            }
            entries[name] = (k, v)
            orderedKeys.append(name)
        }
    }

    private static func mergeSources(_ v: YAMLNode, path: String, ctx: DecodeContext) -> [(key: YAMLNode, value: YAMLNode)] {
        switch v.value {
        case .mapping(let pairs): return pairs
        case .sequence(let items):
            var out: [(key: YAMLNode, value: YAMLNode)] = []
            for item in items {
                if case .mapping(let pairs) = item.value { out.append(contentsOf: pairs) }
                else { ctx.error(item, FieldPath.key(path, "<<"), "a merge key takes mappings, found \(item.kindName)") }
            }
            return out
        default:
            ctx.error(v, FieldPath.key(path, "<<"), "a merge key takes a mapping, found \(v.kindName)")
            return []
        }
    }

    public func has(_ key: String) -> Bool { entries[key] != nil }

    /// The value, or nil when absent. An explicit null counts as absent.
    public func optional(_ key: String) -> YAMLNode? {
        guard let v = entries[key]?.value, !v.isNull else { return nil }
        return v
    }

    /// The value; reports "missing required key" at the mapping when absent or null.
    public func required(_ key: String) -> YAMLNode? {
        if let e = entries[key] {
            if e.value.isNull {
                ctx.error(e.key, FieldPath.key(path, key), "a value is required")
                return nil
            }
            return e.value
        }
        ctx.error(node, FieldPath.key(path, key), "missing required key '\(key)'")
        return nil
    }

    /// The key node itself (for errors about a whole entry).
    public func keyNode(_ key: String) -> YAMLNode? { entries[key]?.key }

    public func child(_ key: String) -> String { FieldPath.key(path, key) }
}
