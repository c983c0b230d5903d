import DNSRecords

/// A resource's attributes before or after an action, as flat named values.
/// Keys are kept sorted when encoded so plan files are byte-stable.
public struct ResourceState: Sendable, Hashable, Codable {
    public var attributes: [String: PlanValue]

    public init(_ attributes: [String: PlanValue] = [:]) { self.attributes = attributes }

    public subscript(_ key: String) -> PlanValue? {
        get { attributes[key] }
        set { attributes[key] = newValue }
    }

    public var sortedKeys: [String] { attributes.keys.sorted() }

    /// Every value is known (nothing waits on another action's output).
    public var isFullyKnown: Bool { attributes.values.allSatisfy(\.isKnown) }

    /// References to outputs of other actions that this state waits on.
    public var references: [OutputReference] {
        sortedKeys.compactMap {
            if case .knownAfterApply(let ref) = attributes[$0]! { return ref }
            return nil
        }
    }

    /// Replaces every `knownAfterApply` by the referenced output, if known.
    /// Returns the references that could not be resolved.
    public mutating func resolve(with outputs: [ActionID: [String: String]]) -> [OutputReference] {
        var missing: [OutputReference] = []
        for key in sortedKeys {
            guard case .knownAfterApply(let ref) = attributes[key]! else { continue }
            if let value = outputs[ref.action]?[ref.output] {
                attributes[key] = .string(value)
            } else {
                missing.append(ref)
            }
        }
        return missing
    }
}

extension ResourceState {
    /// The attributes of a DNS record: name, type, ttl, priority (MX), value.
    public init(record: DNSRecord) {
        var a: [String: PlanValue] = [
            "name": .string(record.name), "type": .string(record.type.rawValue),
            "ttl": .int(record.ttl), "value": .string(record.value),
        ]
        if let p = record.priority { a["priority"] = .int(p) }
        self.init(a)
    }

    /// The record these attributes describe, when every value is known.
    public var record: DNSRecord? {
        guard case .string(let name)? = attributes["name"],
              case .string(let t)? = attributes["type"], let type = RecordType(rawValue: t),
              case .int(let ttl)? = attributes["ttl"],
              case .string(let value)? = attributes["value"] else { return nil }
        var priority: Int? = nil
        if case .int(let p)? = attributes["priority"] { priority = p }
        return DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: value)
    }
}
