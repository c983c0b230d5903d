import Foundation

/// Typed reads of scalar nodes. Each returns nil after reporting a located
/// error, so decoding continues. Secret fields never echo their value.
extension DecodeContext {
    public func string(_ node: YAMLNode, _ path: String) -> String? {
        guard case .scalar(let s, _) = node.value, !node.isNull else {
            error(node, path, "expected a string, found \(node.kindName)")
            return nil
        }
        return refusingControlCharacters(s, node, path)
    }

    /// Multi-line text (a mail body): like `string`, but line feeds and tabs
    /// are part of the value. Every other control character is still refused.
    public func text(_ node: YAMLNode, _ path: String) -> String? {
        guard case .scalar(let s, _) = node.value, !node.isNull else {
            error(node, path, "expected a string, found \(node.kindName)")
            return nil
        }
        return refusingControlCharacters(s, node, path, allowing: ["\n", "\t"])
    }

    /// The value, or nil after reporting a control character in it (`ControlCharacters`).
    func refusingControlCharacters(_ s: String, _ node: YAMLNode, _ path: String, allowing allowed: Set<Unicode.Scalar> = []) -> String? {
        guard let (u, position) = ControlCharacters.first(in: s, allowing: allowed) else { return s }
        error(node, path, ControlCharacters.message(u, at: position))
        return nil
    }

    /// A non-empty string without surrounding whitespace.
    public func nonEmptyString(_ node: YAMLNode, _ path: String) -> String? {
        guard let s = string(node, path) else { return nil }
        // Plain scalars arrive trimmed from libyaml; only quoted ones can carry spaces.
        let t = s.first?.isWhitespace == false && s.last?.isWhitespace == false ? s : s.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else {
            error(node, path, "must not be empty")
            return nil
        }
        return t
    }

    public func int(_ node: YAMLNode, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s, let plain) = node.value, !node.isNull else {
            error(node, path, "expected an integer, found \(node.kindName)")
            return nil
        }
        let digits = s.first == "-" || s.first == "+" ? s.dropFirst() : Substring(s)
        guard plain, !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(s) else {
            error(node, path, "expected an integer, found '\(Self.clip(s))'")
            return nil
        }
        guard range.contains(v) else {
            let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            error(node, path, "\(v) is out of range: must be \(bound)")
            return nil
        }
        return v
    }

    public func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        if case .scalar(let s, true) = node.value {
            switch s {
            case "true", "True", "TRUE", "yes", "Yes", "on", "On": return true
            case "false", "False", "FALSE", "no", "No", "off", "Off": return false
            default: break
            }
        }
        let found = node.scalarText.map { "'\(Self.clip($0))'" } ?? node.kindName
        error(node, path, "expected true or false, found \(found)")
        return nil
    }

    /// One of a fixed set of words, with a suggestion for a near miss.
    public func word<T>(_ node: YAMLNode, _ path: String, _ choices: [(String, T)], what: String) -> T? {
        guard let s = string(node, path) else { return nil }
        if let hit = choices.first(where: { $0.0 == s }) { return hit.1 }
        let names = choices.map(\.0)
        error(node, path, "unknown \(what) '\(Self.clip(s))': expected \(Suggest.list(names.map { "'\($0)'" }))\(Suggest.hint(s, names))")
        return nil
    }

    public func parsed<T>(_ node: YAMLNode, _ path: String, _ parse: (String) -> Result<T, ValueParseError>) -> T? {
        guard case .scalar(let s, _) = node.value, !node.isNull else {
            error(node, path, "expected a scalar, found \(node.kindName)")
            return nil
        }
        guard refusingControlCharacters(s, node, path) != nil else { return nil }
        switch parse(s) {
        case .success(let v): return v
        case .failure(let e):
            error(node, path, e.message)
            return nil
        }
    }

    /// `env:NAME`. Anything else is reported without repeating the text,
    /// which may be the secret itself.
    func secret(_ node: YAMLNode, _ path: String) -> SecretRef? {
        guard case .scalar(let s, _) = node.value, !node.isNull else {
            error(node, path, "expected a secret reference env:NAME, found \(node.kindName)")
            return nil
        }
        guard s.hasPrefix("env:") else {
            error(node, path, "literal secret values are not allowed: write env:NAME and set NAME in the environment")
            return nil
        }
        guard var ref = SecretRef.parse(s) else {
            error(node, path, "'\(Self.clip(s))' is not a valid reference: NAME must be letters, digits and _ and not start with a digit")
            return nil
        }
        ref.location = location(node)
        return ref
    }

    /// A scalar or a sequence of scalars.
    public func stringList(_ node: YAMLNode, _ path: String) -> [String]? {
        switch node.value {
        case .scalar:
            return string(node, path).map { [$0] }
        case .sequence(let items):
            var out: [String] = []
            for (i, item) in items.enumerated() {
                if let s = string(item, FieldPath.index(path, i)) { out.append(s) }
            }
            return out
        case .mapping:
            error(node, path, "expected a string or a list of strings, found a mapping")
            return nil
        }
    }

    public func sequence(_ node: YAMLNode, _ path: String, what: String = "a list") -> [YAMLNode]? {
        guard case .sequence(let items) = node.value else {
            error(node, path, "expected \(what), found \(node.kindName)")
            return nil
        }
        return items
    }

    /// Cuts long values in messages (a pasted blob should not flood the
    /// terminal) and escapes control characters (they must not reach it raw).
    public static func clip(_ s: String) -> String {
        let s = ControlCharacters.escaped(s)
        return s.count <= 60 ? s : String(s.prefix(57)) + "..."
    }
}
