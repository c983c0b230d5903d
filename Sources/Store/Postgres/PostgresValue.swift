import Foundation

/// A statement parameter. Sent in text format, except bytes (binary), so
/// no value is ever spliced into SQL text.
public enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bytes(Data)

    /// The wire form: text for all but bytes; nil is SQL NULL.
    var wire: (bytes: [UInt8], binary: Bool)? {
        switch self {
        case .null: return nil
        case .text(let s): return (Array(s.utf8), false)
        case .int(let i): return (Array(String(i).utf8), false)
        case .double(let d):
            let text = d.isNaN ? "NaN" : d == .infinity ? "Infinity" : d == -.infinity ? "-Infinity" : "\(d)"
            return (Array(text.utf8), false)
        case .bytes(let b): return ([UInt8](b), true)
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(nilLiteral: ()) { self = .null }
}

/// Swift values usable as parameters: `conn.execute(sql, [email, at, row])`.
public protocol PostgresEncodable { var postgresValue: PostgresValue { get } }
extension String: PostgresEncodable { public var postgresValue: PostgresValue { .text(self) } }
extension Int: PostgresEncodable { public var postgresValue: PostgresValue { .int(Int64(self)) } }
extension Int64: PostgresEncodable { public var postgresValue: PostgresValue { .int(self) } }
extension Int32: PostgresEncodable { public var postgresValue: PostgresValue { .int(Int64(self)) } }
extension Double: PostgresEncodable { public var postgresValue: PostgresValue { .double(self) } }
extension Bool: PostgresEncodable { public var postgresValue: PostgresValue { .int(self ? 1 : 0) } }
extension Data: PostgresEncodable { public var postgresValue: PostgresValue { .bytes(self) } }
extension PostgresValue: PostgresEncodable { public var postgresValue: PostgresValue { self } }
extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresValue: PostgresValue { self?.postgresValue ?? .null }
}
