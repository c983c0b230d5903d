/// A composed YAML node with its position. Built by `YAMLReader` from
/// libyaml's events (not Yams' `Node`), so that depth, alias expansion and
/// duplicate keys are under the loader's control and every node keeps its mark.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        /// `plain` is false for quoted, block (`|`, `>`) and `!!str`-tagged
        /// scalars: those are always strings, never numbers, booleans or null.
        case scalar(String, plain: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
    }

    public var value: Value
    /// 1-based.
    public var line: Int
    /// 1-based.
    public var column: Int
    /// Nodes in this subtree with aliases expanded; bounds the work any walk can do.
    var expandedSize: Int

    public var kindName: String {
        switch value {
        case .scalar(let s, let plain):
            if plain && YAMLNode.isNullText(s) { return "null" }
            return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a sequence"
        }
    }

    public var isNull: Bool {
        if case .scalar(let s, true) = value { return YAMLNode.isNullText(s) }
        return false
    }

    /// The scalar's text, nil for collections.
    public var scalarText: String? {
        if case .scalar(let s, _) = value { return s }
        return nil
    }

    static func isNullText(_ s: String) -> Bool { s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }
}
