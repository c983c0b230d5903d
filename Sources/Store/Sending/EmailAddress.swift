import DNSRecords

/// A recipient address as the outbox stores, suppresses and mails it: the one
/// definition of what `enqueue` accepts and of how addresses are compared.
///
/// Accepted: RFC 5321 `Dot-string "@" Domain` in ASCII — a dot-atom local part
/// of at most 64 octets, a host name of letters, digits and inner hyphens with
/// at least two labels, 254 octets in all. Refused with a reason: NUL and
/// every other control character anywhere, quoted local parts, non-ASCII local
/// parts (the SMTP transport does not use SMTPUTF8, so a server would refuse
/// them at RCPT), non-ASCII domains (write the `xn--` form) and address literals.
///
/// Normal form: the whole address lower-cased. RFC 5321 lets a server treat
/// local parts case-sensitively, but no mailbox provider we send to does, and
/// a case variant of a suppressed address must never be mailed again.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normal form, `local@domain`, lower-cased.
    public let normalized: String

    public static let maxLocalPartOctets = 64
    /// RFC 5321 4.5.3.1.3: the 256-octet path minus its angle brackets.
    public static let maxOctets = 254

    public var description: String { normalized }

    /// Validates `text` (surrounding spaces and tabs are ignored) and keeps its normal form.
    public init(validating text: String) throws(Problem) {
        let t = Self.trimmed(text)
        if let p = Self.problem(t) { throw p }
        normalized = Self.lowercased(t)
    }

    /// The comparison key of any address text, valid or not (webhook payloads,
    /// suppression imports): trimmed and lower-cased, like `normalized`.
    public static func normalize(_ text: String) -> String {
        lowercased(trimmed(text))
    }

    /// Why an address is refused; the text never repeats raw control characters.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    // MARK: - rules

    private static func problem(_ s: String) -> Problem? {
        let bytes = Array(s.utf8)
        func fail(_ m: String) -> Problem { Problem(message: m) }
        guard !bytes.isEmpty else { return fail("is empty") }
        if let c = bytes.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            return fail("'\(shown(s))' contains \(c == 0 ? "a NUL byte" : "the control character \(hex(c))")")
        }
        // C1 controls and format characters (bidi overrides) exist only outside ASCII.
        if bytes.contains(where: { $0 >= 0x80 }), let c = s.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return fail("'\(shown(s))' contains the control character \(hex(c.value))")
        }
        if bytes.first == UInt8(ascii: "\"") { return fail("'\(shown(s))' has a quoted local part; quoted local parts are refused") }
        guard let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return fail("'\(shown(s))' is not an email address (expected local@domain)") }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        guard !local.isEmpty, !domain.isEmpty, !local.contains(UInt8(ascii: "@")) else {
            return fail("'\(shown(s))' is not an email address (expected local@domain)")
        }
        if local.contains(where: { $0 >= 0x80 }) {
            return fail("'\(shown(s))' has a non-ASCII local part; refused because the SMTP transport does not offer SMTPUTF8")
        }
        if local.contains(UInt8(ascii: "\"")) || local.contains(UInt8(ascii: "\\")) {
            return fail("'\(shown(s))' has a quoted local part; quoted local parts are refused")
        }
        if local.count > maxLocalPartOctets { return fail("the local part is \(local.count) octets; the limit is \(maxLocalPartOctets)") }
        if let c = local.first(where: { !isAtext($0) && $0 != UInt8(ascii: ".") }) {
            return fail("'\(shown(s))' has '\(Character(Unicode.Scalar(c)))' in its local part (allowed: letters, digits, . and !#$%&'*+-/=?^_`{|}~)")
        }
        if local.first == UInt8(ascii: ".") || local.last == UInt8(ascii: ".") || zip(local, local.dropFirst()).contains(where: { $0.0 == 0x2E && $0.1 == 0x2E }) {
            return fail("'\(shown(s))' has a local part starting or ending with a dot or with two dots in a row")
        }
        if domain.first == UInt8(ascii: "[") { return fail("'\(shown(s))' has an address literal; write a domain name") }
        if domain.contains(where: { $0 >= 0x80 }) {
            return fail("'\(shown(s))' has a non-ASCII domain; write its xn-- (IDNA) form")
        }
        let name = String(decoding: domain, as: UTF8.self)
        if let first = HostName.problems(name, hostname: true).first { return fail("'\(shown(s))' has an invalid domain: \(first.message)") }
        // At least two labels, the last not all digits (an empty one is: a trailing dot).
        let lastDot = domain.lastIndex(of: UInt8(ascii: "."))
        if lastDot.map({ domain[($0 + 1)...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }) ?? true {
            return fail("'\(shown(s))' needs a domain with a top-level label (e.g. example.com)")
        }
        if bytes.count > maxOctets { return fail("the address is \(bytes.count) octets; the limit is \(maxOctets)") }
        return nil
    }

    /// RFC 5322 atext.
    private static func isAtext(_ c: UInt8) -> Bool {
        switch c {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39: return true
        default: return "!#$%&'*+-/=?^_`{|}~".utf8.contains(c)
        }
    }

    private static func trimmed(_ s: String) -> String {
        let u = s.utf8
        guard let f = u.first, let l = u.last, f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09 else { return s }
        return String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// `lowercased()` allocates even when nothing changes: skip it for the usual stored form.
    private static func lowercased(_ s: String) -> String {
        s.utf8.contains(where: { ($0 >= 0x41 && $0 <= 0x5A) || $0 >= 0x80 }) ? s.lowercased() : s
    }

    private static func shown(_ s: String) -> String { TerminalText.escaped(s) }

    private static func hex<T: BinaryInteger>(_ v: T) -> String {
        let h = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - h.count)) + h
    }
}
