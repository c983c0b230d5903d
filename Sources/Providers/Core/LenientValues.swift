import Foundation

/// A value the provider sends as a string one day and a number the next
/// (Porkbun ids: string in retrieve, number in create, registrars.md A2).
public struct LenientString: Codable, Sendable, Hashable {
    public var value: String?

    public init(_ value: String?) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = nil }
        else if let s = try? c.decode(String.self) { value = s }
        else if let i = try? c.decode(Int64.self) { value = String(i) }
        else if let d = try? c.decode(Double.self) { value = d == d.rounded() ? String(Int64(d)) : String(d) }
        else if let b = try? c.decode(Bool.self) { value = b ? "1" : "0" }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a string or number") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public var int: Int? { value.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
}

/// A flag seen as `"1"`, `1`, `true`, `"0"`, `0`, `""` or `null` (Porkbun listAll,
/// registrars.md A2; Namecheap `True`/`true`, B1): `"1"/1/true/"yes"` → true,
/// anything else → false.
public struct LenientFlag: Codable, Sendable, Hashable {
    public var value: Bool

    public init(_ value: Bool) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = false }
        else if let b = try? c.decode(Bool.self) { value = b }
        else if let i = try? c.decode(Int.self) { value = i != 0 }
        else if let s = try? c.decode(String.self) { value = LenientFlag.parse(s) }
        else { value = false }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }

    public static func parse(_ s: String?) -> Bool {
        guard let s else { return false }
        switch s.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "on", "enabled": return true
        default: return false
        }
    }
}
