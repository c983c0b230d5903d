/// One attribute value in a plan: known now, or produced by another action.
///
/// Secrets never appear here: accounts are referenced as `env:NAME` strings
/// by the compiler, and generated credentials are outputs that stay
/// `knownAfterApply` in every plan.
public enum PlanValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case string(String)
    case int(Int)
    case bool(Bool)
    /// Provider-generated (a DKIM key Mailgun creates): `output` of the action
    /// `action` once it has run.
    case knownAfterApply(OutputReference)

    public var description: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "true" : "false"
        case .knownAfterApply: "(known after apply)"
        }
    }

    public var isKnown: Bool {
        if case .knownAfterApply = self { return false }
        return true
    }

    private enum CodingKeys: String, CodingKey { case knownAfterApply }

    public init(from decoder: any Decoder) throws {
        if let keyed = try? decoder.container(keyedBy: CodingKeys.self),
           let ref = try keyed.decodeIfPresent(OutputReference.self, forKey: .knownAfterApply) {
            self = .knownAfterApply(ref)
            return
        }
        let single = try decoder.singleValueContainer()
        if let b = try? single.decode(Bool.self) { self = .bool(b) }
        else if let i = try? single.decode(Int.self) { self = .int(i) }
        else { self = .string(try single.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s): var c = encoder.singleValueContainer(); try c.encode(s)
        case .int(let i): var c = encoder.singleValueContainer(); try c.encode(i)
        case .bool(let b): var c = encoder.singleValueContainer(); try c.encode(b)
        case .knownAfterApply(let ref):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(ref, forKey: .knownAfterApply)
        }
    }
}

/// Names an output of an action, e.g. `create:acme.com/mailgunDomain/` →
/// `dkim.value`.
public struct OutputReference: Sendable, Hashable, Codable {
    public var action: ActionID
    public var output: String

    public init(action: ActionID, output: String) {
        self.action = action
        self.output = output
    }
}
