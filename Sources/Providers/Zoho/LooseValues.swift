/// Decoders for the loosely typed fields of Mailgun and Zoho bodies.
/// mail-platforms.md §2.2: Zoho ids exceed 2^53 and arrive as strings or numbers;
/// booleans arrive as `true`, `"true"`, `1` or `"expired"`-like strings.
/// §1.4/§1.12: Mailgun sends MX `priority` and bounce `code` as strings.

/// An identifier that may be a JSON string or integer. Kept as its decimal
/// string; numbers are decoded as `Int64`/`UInt64`, never through `Double`,
/// so `2560636000000008002` survives intact.
public struct ZohoID: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var value: String

    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int64.self) {
            value = String(i)
        } else if let u = try? c.decode(UInt64.self) {
            value = String(u)
        } else if let s = try? c.decode(String.self) {
            value = s
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "id is neither an integer nor a string")
        }
    }

    /// Ids are sent back as JSON strings, as in the documented request samples (§2.4 "dkimId is sent as a JSON string").
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public var description: String { value }
}

/// A string that may arrive as a JSON number (`"priority": "10"` vs `10`, bounce `code`).
public struct LooseString: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var value: String
    public init(_ value: String) { self.value = value }
    public init(stringLiteral value: String) { self.value = value }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { value = s }
        else if let i = try? c.decode(Int64.self) { value = String(i) }
        else if let d = try? c.decode(Double.self) { value = String(d) }
        else if let b = try? c.decode(Bool.self) { value = String(b) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a string or a number") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public var description: String { value }
}

/// A status that mixes booleans, 0/1 and strings (`"mxstatus": "expired"` next to
/// `true`/`false`, `"subDomainStripping": 0`, `"tfaEnabled": "false"`).
/// `isTrue` is the only question callers ask; the raw text is kept for messages.
public enum LooseStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    case bool(Bool)
    case number(Int64)
    case text(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .number(i) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "status is not a bool, number or string") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .text(let s): try c.encode(s)
        }
    }

    /// True only for `true`, non-zero numbers and the strings `true`/`1`/`yes`/`enabled`/`verified`
    /// (any other text — `"expired"`, `"false"`, `""` — is not a pass).
    public var isTrue: Bool {
        switch self {
        case .bool(let b): return b
        case .number(let n): return n != 0
        case .text(let s):
            return ["true", "1", "yes", "enabled", "verified", "active"].contains(s.lowercased())
        }
    }

    public var description: String {
        switch self {
        case .bool(let b): return String(b)
        case .number(let n): return String(n)
        case .text(let s): return s
        }
    }
}
