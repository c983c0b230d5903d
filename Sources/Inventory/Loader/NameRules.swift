import Foundation

/// Syntax rules for names the operator writes.
public enum NameRules {
    /// A registrable host name: 2+ labels of `a-z 0-9 -` (1–63 chars, no
    /// leading/trailing hyphen), ≤ 253 chars, an alphabetic or `xn--` TLD.
    /// Returns a reason when invalid. Expects lower case without trailing dot.
    static func domainProblem(_ name: String) -> String? {
        guard !name.isEmpty else { return "is empty" }
        guard name.utf8.count <= 253 else { return "is longer than 253 characters" }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "needs at least two labels (e.g. acme-mail.com)" }
        for l in labels {
            if let p = labelProblem(l) { return p }
        }
        let tld = labels.last!
        guard tld.hasPrefix("xn--") || tld.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else {
            return "has an invalid top-level label '\(tld)'"
        }
        return nil
    }

    static func labelProblem(_ l: Substring) -> String? {
        let u = l.utf8
        if u.isEmpty { return "has an empty label" }
        if u.count > 63 { return "has a label longer than 63 characters" }
        // Byte-wise: this runs for every domain of the fleet.
        guard u.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
            return "may only contain letters, digits, hyphens and dots"
        }
        if u.first == 0x2D || u.last == 0x2D { return "has a label starting or ending with a hyphen" }
        return nil
    }

    /// A host name as used in SPF includes and record targets: like a domain
    /// name, but labels may also hold `_` (`_spf.google.com`).
    static func hostProblem(_ name: String) -> String? {
        domainProblem(name.replacingOccurrences(of: "_", with: "u"))
    }

    /// A mailbox local part as Mailgun and Zoho accept it: dot-atom of
    /// `a-z 0-9 . _ + -`, 1–64 chars, no leading, trailing or double dot.
    static func localPartProblem(_ local: String) -> String? {
        guard !local.isEmpty else { return "is empty" }
        guard local.utf8.count <= 64 else { return "is longer than 64 characters" }
        guard local.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2B || $0 == 0x2D }) else {
            return "may only contain letters, digits and . _ + -"
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "must not start or end with a dot or contain two dots in a row"
        }
        return nil
    }

    /// Account, group and schedule names: `a-z A-Z 0-9 _ -`, starting with a
    /// letter or digit; campaign names (`dots`) may also hold `.`.
    public static func identifierProblem(_ name: String, dots: Bool = false) -> String? {
        func alnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) }
        guard let f = name.utf8.first, alnum(f) else {
            return "must start with a letter or digit"
        }
        guard name.utf8.count <= 64, name.utf8.allSatisfy({ alnum($0) || $0 == 0x2D || $0 == 0x5F || (dots && $0 == 0x2E) }) else {
            return "may only contain letters, digits, \(dots ? "., " : "")- and _ (at most 64)"
        }
        return nil
    }

    /// A record name relative to its domain: `@`, or labels of `a-z 0-9 - _` and a leading `*`.
    static func relativeNameProblem(_ name: String) -> String? {
        if name == "@" || name.isEmpty { return nil }
        if name.hasSuffix(".") { return "write the name relative to the domain ('@' for the apex), without a trailing dot" }
        for (i, l) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            if l.isEmpty { return "has an empty label" }
            if l == "*" && i == 0 { continue }
            guard l.utf8.count <= 63, l.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                return "may only contain lower-case letters, digits, -, _ and a leading *"
            }
        }
        return nil
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && Int(p)! <= 255
        }
    }

    static func isHTTPURL(_ s: String, httpsOnly: Bool = false) -> Bool {
        let prefixes = httpsOnly ? ["https://"] : ["https://", "http://"]
        guard let p = prefixes.first(where: { s.hasPrefix($0) }) else { return false }
        let rest = s.dropFirst(p.count)
        return !rest.isEmpty && !rest.hasPrefix("/") && !rest.contains(where: { $0.isWhitespace })
    }

    /// `smtp://HOST:PORT` or `smtps://HOST:PORT` (a host name, IPv4 or
    /// `[IPv6]`, and a port; no path, login or query): where a pool's mail is relayed.
    static func smtpEndpointProblem(_ s: String) -> String? { smtpEndpointProblem(s, example: "Mailgun: 587, 2525 or 25; smtps: 465") }

    /// `example`: the ports the provider listens on, for the missing-port message.
    static func smtpEndpointProblem(_ s: String, example: String) -> String? {
        guard let scheme = ["smtp://", "smtps://"].first(where: { s.hasPrefix($0) }) else {
            return "must start with smtp:// (STARTTLS) or smtps:// (TLS from the start)"
        }
        let rest = s.dropFirst(scheme.count)
        guard !rest.contains(where: { $0 == "/" || $0 == "@" || $0 == "?" || $0 == "#" || $0.isWhitespace }) else {
            return "must be just smtp://HOST:PORT (no path, login or query)"
        }
        guard let colon = rest.lastIndex(of: ":"), !rest[..<colon].hasSuffix(":") || rest.hasPrefix("[") else {
            return "needs a port: smtp://HOST:PORT (\(example))"
        }
        let host = String(rest[..<colon]), port = rest[rest.index(after: colon)...]
        guard let p = Int(port), port.allSatisfy({ $0.isASCII && $0.isNumber }), (1...65_535).contains(p) else {
            return "has port '\(port)', not a number from 1 to 65535"
        }
        let ipv6 = host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2
            && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        if host == "localhost" || isIPv4(host) || ipv6 || (host.contains(".") && hostProblem(host.lowercased()) == nil) { return nil }
        return "has host '\(host)', not a host name, IPv4 address or [IPv6] address"
    }

    /// `imaps://HOST[:PORT]` with nothing after the authority.
    static func isIMAPSURL(_ s: String) -> Bool {
        guard s.hasPrefix("imaps://") else { return false }
        let rest = s.dropFirst("imaps://".count)
        return !rest.isEmpty && !rest.contains("/") && !rest.contains("@") && !rest.contains(where: { $0.isWhitespace })
    }

    static func isEmailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(where: { $0.isWhitespace }) else { return false }
        return domainProblem(String(parts[1]).lowercased()) == nil
    }
}
