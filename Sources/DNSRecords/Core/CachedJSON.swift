import Foundation

/// A value the observation cache can read straight from the JSON bytes that
/// `JSONEncoder` wrote for it, without `JSONDecoder` (issue #13 §1: decoding
/// the cached zones and mail observations was a fifth of a warm plan's CPU).
/// An implementation must give exactly what `JSONDecoder` gives for the same
/// bytes whenever it succeeds, and throw on anything it does not expect: the
/// caller then falls back to `JSONDecoder` (`CachedJSON.decode`).
public protocol CachedJSONDecodable: Decodable {
    init(cachedJSON r: inout CachedJSONReader) throws
}

public enum CachedJSON {
    /// The fast reading, else `JSONDecoder`'s; nil when neither reads the
    /// bytes (the cache entry is then read again from the provider).
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) -> Value? {
        if let fast = Value.self as? any CachedJSONDecodable.Type, let value = try? read(fast, from: data) as? Value {
            return value
        }
        return try? JSONDecoder().decode(Value.self, from: data)
    }

    /// A JSON object of strings (the apply journal's outputs); `JSONDecoder`'s
    /// answer, or its error, when the fast reader refuses the bytes.
    public static func stringMap(from data: Data) throws -> [String: String] {
        let fast = try? data.withUnsafeBytes { raw -> [String: String] in
            var r = CachedJSONReader(raw)
            var map: [String: String] = [:]
            try r.object { r, key in map[key] = try r.string() }
            try r.end()
            return map
        }
        if let fast { return fast }
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    /// Reads one whole document as `T`; throws `CachedJSONReader.Failure`
    /// (naming the byte offset) on malformed or unexpected input.
    public static func read<T: CachedJSONDecodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { raw in
            var r = CachedJSONReader(raw)
            let value = try T(cachedJSON: &r)
            try r.end()
            return value
        }
    }
}

/// A forward-only reader over JSON bytes, for `CachedJSONDecodable`.
/// Integers only (no fractions or exponents: the cached types hold none).
public struct CachedJSONReader {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var offset: Int
        public var message: String
        public var description: String { "cached JSON, byte \(offset): \(message)" }
    }

    let bytes: UnsafeRawBufferPointer
    public private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public func failure(_ message: String) -> Failure { Failure(offset: offset, message: message) }

    /// A required field the document lacked.
    public func missing(_ field: String) -> Failure { failure("missing field \"\(field)\"") }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    public mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end") }
        return bytes[offset]
    }

    mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        offset += 1
    }

    /// Nothing but whitespace left.
    mutating func end() throws {
        skipWhitespace()
        if offset != bytes.count { throw failure("unexpected data after the value") }
    }

    /// Calls `field` with each key of an object; `field` must read the value.
    public mutating func object(_ field: (inout CachedJSONReader, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") { offset += 1; return }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try field(&self, key)
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "}"): offset += 1; return
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    /// Calls `element` for each element of an array; `element` must read it.
    public mutating func array(_ element: (inout CachedJSONReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") { offset += 1; return }
        while true {
            try element(&self)
            switch try peek() {
            case UInt8(ascii: ","): offset += 1
            case UInt8(ascii: "]"): offset += 1; return
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    /// An array of `T`, each read by its own `init(cachedJSON:)`.
    public mutating func list<T: CachedJSONDecodable>(_ type: T.Type) throws -> [T] {
        var out: [T] = []
        try array { r in out.append(try T(cachedJSON: &r)) }
        return out
    }

    /// A `RawRepresentable` read from its raw string or integer; `what`
    /// names it in the error for an unknown value.
    public mutating func rawValue<T: RawRepresentable>(_ type: T.Type, _ what: String) throws -> T where T.RawValue == String {
        let raw = try string()
        guard let v = T(rawValue: raw) else { throw failure("unknown \(what) \"\(raw)\"") }
        return v
    }

    public mutating func rawValue<T: RawRepresentable>(_ type: T.Type, _ what: String) throws -> T where T.RawValue == Int {
        let raw = try int()
        guard let v = T(rawValue: raw) else { throw failure("unknown \(what) \(raw)") }
        return v
    }

    public mutating func strings() throws -> [String] {
        var out: [String] = []
        try array { r in out.append(try r.string()) }
        return out
    }

    /// Consumes `null` and returns true, or leaves any other value unread.
    public mutating func null() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    public mutating func bool() throws -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw failure("expected a boolean")
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard offset + n <= bytes.count else { throw failure("expected \(word)") }
        for i in 0..<n where bytes[offset + i] != word.utf8Start[i] { throw failure("expected \(word)") }
        offset += n
    }

    public mutating func int() throws -> Int {
        _ = try peek()
        let start = offset
        var negative = false
        if bytes[offset] == UInt8(ascii: "-") { negative = true; offset += 1 }
        var value = 0
        var digits = 0
        while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(bytes[offset] - 0x30))
            if o1 || o2 { offset = start; throw failure("integer out of range") }
            value = s
            digits += 1
            offset += 1
        }
        if digits == 0 { offset = start; throw failure("expected an integer") }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") || bytes[offset] | 0x20 == UInt8(ascii: "e") {
            offset = start
            throw failure("expected an integer")
        }
        return negative ? -value : value
    }

    public mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        let start = offset
        // Fast path: no escapes, the bytes are the string.
        while offset < bytes.count {
            let b = bytes[offset]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                offset += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw failure("control character in a string") }
            offset += 1
        }
        var out = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
        while offset < bytes.count {
            let b = bytes[offset]
            offset += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard offset < bytes.count else { throw failure("unexpected end") }
                let e = bytes[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A surrogate pair: the low half must follow.
                        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                        else { throw failure("unpaired surrogate") }
                        offset += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw failure("unpaired surrogate")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw failure("invalid \\u escape") }
                    out.append(contentsOf: String(Character(u)).utf8)
                default:
                    throw failure("invalid escape")
                }
            default:
                if b < 0x20 { offset -= 1; throw failure("control character in a string") }
                out.append(b)
            }
        }
        throw failure("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw failure("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[offset]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x41 + 10
            case 0x61...0x66: d = b - 0x61 + 10
            default: throw failure("invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
            offset += 1
        }
        return v
    }

    /// Reads and drops any value (a key the type does not know: `JSONDecoder`
    /// ignores those too).
    public mutating func skipValue() throws {
        switch try peek() {
        case UInt8(ascii: "{"): try object { r, _ in try r.skipValue() }
        case UInt8(ascii: "["): try array { r in try r.skipValue() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
        case UInt8(ascii: "n"): _ = try null()
        default:
            // A number: its characters, whatever they are (never used).
            let start = offset
            while offset < bytes.count, "-+.eE0123456789".utf8.contains(bytes[offset]) { offset += 1 }
            if offset == start { throw failure("expected a value") }
        }
    }
}
