/// Any JSON value, for the free-form parts of events (`user-variables`).
public enum MailgunJSON: Sendable, Hashable, Codable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: MailgunJSON])
    case array([MailgunJSON])
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([MailgunJSON].self) { self = .array(a) }
        else { self = .object(try c.decode([String: MailgunJSON].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let d): try c.encode(d)
        case .bool(let b): try c.encode(b)
        case .object(let o): try c.encode(o)
        case .array(let a): try c.encode(a)
        case .null: try c.encodeNil()
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
}

/// `user-variables`: normally an object whose values are strings, but the whole
/// field can be an error **string** when the JSON was bad or truncated (§1.10, §1.15 #7).
public enum MailgunUserVariables: Sendable, Hashable, Codable {
    case values([String: MailgunJSON])
    case unreadable(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { self = .unreadable(s) }
        else { self = .values(try c.decode([String: MailgunJSON].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .values(let v): try c.encode(v)
        case .unreadable(let s): try c.encode(s)
        }
    }

    public subscript(name: String) -> MailgunJSON? {
        if case .values(let v) = self { return v[name] }
        return nil
    }
}
