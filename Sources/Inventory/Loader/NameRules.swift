import Foundation

/// Syntax rules for names the operator writes.
enum NameRules {
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
        guard tld.hasPrefix("xn--") || tld.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return "has an invalid top-level label '\(tld)'"
        }
        return nil
    }

    static func labelProblem(_ l: Substring) -> String? {
        if l.isEmpty { return "has an empty label" }
        if l.utf8.count > 63 { return "has a label longer than 63 characters" }
        guard l.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
            return "may only contain letters, digits, hyphens and dots"
        }
        if l.hasPrefix("-") || l.hasSuffix("-") { return "has a label starting or ending with a hyphen" }
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
        guard local.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._+-".contains($0)) }) else {
            return "may only contain letters, digits and . _ + -"
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "must not start or end with a dot or contain two dots in a row"
        }
        return nil
    }

    /// Account, group and schedule names: `a-z A-Z 0-9 _ -`, starting with a letter or digit.
    static func identifierProblem(_ name: String) -> String? {
        guard let f = name.first, f.isASCII, f.isLetter || f.isNumber else {
            return "must start with a letter or digit"
        }
        guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return "may only contain letters, digits, - and _ (at most 64)"
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

    static func isEmailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(where: { $0.isWhitespace }) else { return false }
        return domainProblem(String(parts[1]).lowercased()) == nil
    }
}
