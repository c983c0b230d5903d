/// A parsed SPF record (RFC 7208): `v=spf1` followed by terms.
public struct SPFRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    public var terms: [SPFTerm]

    public init(terms: [SPFTerm]) { self.terms = terms }

    /// The record's text, `v=spf1 term term …`.
    public var description: String { (["v=spf1"] + terms.map(\.description)).joined(separator: " ") }

    public var mechanisms: [SPFTerm] { terms.filter(\.isMechanism) }

    /// The domains of every `include:` in order.
    public var includes: [String] {
        terms.compactMap { $0.kind == .mechanism(.include) ? $0.value.map(DomainName.normalize) : nil }
    }

    /// Does the record include `domain` (what a provider's verifier looks for)?
    public func includes(_ domain: String) -> Bool { includes.contains(DomainName.normalize(domain)) }

    /// True for TXT values that claim to be SPF (`v=spf1` followed by a space or the end).
    public static func isSPF(_ text: String) -> Bool {
        let t = text.trimmingWhitespace().lowercased()
        return t == "v=spf1" || t.hasPrefix("v=spf1 ")
    }

    /// Parses the record text; throws the first syntax problem.
    public static func parse(_ text: String) throws(DNSProblem) -> SPFRecord {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = words.first, first.lowercased() == "v=spf1" else {
            throw .error(.spfNotSPF, "an SPF record starts with 'v=spf1'")
        }
        var terms: [SPFTerm] = []
        for w in words.dropFirst() { terms.append(try SPFTerm.parse(w)) }
        return SPFRecord(terms: terms)
    }
}

public enum SPFQualifier: String, Sendable, Hashable, Codable, CaseIterable {
    case pass = "+", fail = "-", softfail = "~", neutral = "?"
}

public enum SPFMechanismKind: String, Sendable, Hashable, Codable, CaseIterable {
    case all, include, a, mx, ptr, ip4, ip6, exists
}

/// One term: a mechanism with its qualifier, or a `name=value` modifier.
public struct SPFTerm: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable, Codable {
        case mechanism(SPFMechanismKind)
        /// `redirect`, `exp` or an unknown modifier (ignored by receivers), lower-cased.
        case modifier(String)
    }

    public var kind: Kind
    /// `.pass` for modifiers (unused there).
    public var qualifier: SPFQualifier
    /// Whether the qualifier was written (`+all` vs `all`), kept for round trips.
    public var explicitQualifier: Bool
    /// Text after `:` or `=` (domain-spec, address, cidr), nil when absent.
    public var value: String?

    public init(kind: Kind, qualifier: SPFQualifier = .pass, explicitQualifier: Bool = false, value: String? = nil) {
        self.kind = kind
        self.qualifier = qualifier
        self.explicitQualifier = explicitQualifier || qualifier != .pass
        self.value = value
    }

    public static func include(_ domain: String) -> SPFTerm { SPFTerm(kind: .mechanism(.include), value: DomainName.normalize(domain)) }
    public static func all(_ q: SPFQualifier) -> SPFTerm { SPFTerm(kind: .mechanism(.all), qualifier: q) }

    public var isMechanism: Bool { if case .mechanism = kind { return true } else { return false } }

    public var description: String {
        switch kind {
        case .modifier(let name): return "\(name)=\(value ?? "")"
        case .mechanism(let m):
            let q = explicitQualifier ? qualifier.rawValue : ""
            guard let v = value else { return q + m.rawValue }
            // a/mx may carry only a cidr: `a/24`
            return q + m.rawValue + (v.hasPrefix("/") ? v : ":" + v)
        }
    }

    /// DNS lookups this term itself costs (RFC 7208 4.6.4): include, a, mx,
    /// ptr, exists and redirect count one each; nested includes are extra.
    public var ownLookups: Int {
        switch kind {
        case .mechanism(let m): return [.include, .a, .mx, .ptr, .exists].contains(m) ? 1 : 0
        case .modifier(let n): return n == "redirect" ? 1 : 0
        }
    }

    static func parse(_ word: String) throws(DNSProblem) -> SPFTerm {
        var w = Substring(word)
        // Modifier: name "=" value, name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
        if let eq = w.firstIndex(of: "="), !w[..<eq].contains(":"), !w[..<eq].contains("/") {
            let name = w[..<eq].lowercased()
            guard let f = name.first, f.isASCII, f.isLetter,
                  name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw .error(.spfSyntax, "'\(word)' is not a valid SPF modifier")
            }
            let value = String(w[w.index(after: eq)...])
            if (name == "redirect" || name == "exp") && !isDomainSpec(value) {
                throw .error(.spfSyntax, "'\(word)': \(name)= needs a domain")
            }
            return SPFTerm(kind: .modifier(name), value: value)
        }
        var q = SPFQualifier.pass
        var explicit = false
        if let c = w.first, let qq = SPFQualifier(rawValue: String(c)) { q = qq; explicit = true; w = w.dropFirst() }
        let nameEnd = w.firstIndex(where: { $0 == ":" || $0 == "/" }) ?? w.endIndex
        let name = w[..<nameEnd].lowercased()
        guard let kind = SPFMechanismKind(rawValue: name) else {
            throw .error(.spfUnknownMechanism, "'\(word)' is not an SPF mechanism (all, include, a, mx, ptr, ip4, ip6, exists)")
        }
        var rest = w[nameEnd...]
        let hasColon = rest.first == ":"
        if hasColon { rest = rest.dropFirst() }
        let arg = String(rest)
        switch kind {
        case .all:
            guard arg.isEmpty, !hasColon else { throw .error(.spfSyntax, "'\(word)': 'all' takes no argument") }
            return SPFTerm(kind: .mechanism(.all), qualifier: q, explicitQualifier: explicit)
        case .include, .exists:
            guard hasColon, isDomainSpec(arg) else { throw .error(.spfSyntax, "'\(word)': \(name) needs ':domain'") }
            return SPFTerm(kind: .mechanism(kind), qualifier: q, explicitQualifier: explicit, value: arg)
        case .a, .mx, .ptr:
            if !hasColon && arg.isEmpty { return SPFTerm(kind: .mechanism(kind), qualifier: q, explicitQualifier: explicit) }
            var domain = arg
            var cidr = ""
            if let slash = arg.firstIndex(of: "/") { domain = String(arg[..<slash]); cidr = String(arg[slash...]) }
            if hasColon && !isDomainSpec(domain) { throw .error(.spfSyntax, "'\(word)': '\(domain)' is not a domain") }
            if !cidr.isEmpty {
                guard kind != .ptr, validDualCIDR(cidr) else { throw .error(.spfSyntax, "'\(word)': bad prefix length '\(cidr)'") }
            }
            return SPFTerm(kind: .mechanism(kind), qualifier: q, explicitQualifier: explicit,
                           value: hasColon ? domain + cidr : cidr)
        case .ip4, .ip6:
            guard hasColon else { throw .error(.spfSyntax, "'\(word)': \(name) needs ':address'") }
            var addr = arg
            var len: Int?
            if let slash = arg.firstIndex(of: "/") {
                addr = String(arg[..<slash])
                guard let l = Int(arg[arg.index(after: slash)...]) else { throw .error(.spfSyntax, "'\(word)': bad prefix length") }
                len = l
            }
            let ok = kind == .ip4 ? IPAddress.isIPv4(addr) : IPAddress.isIPv6(addr)
            let maxLen = kind == .ip4 ? 32 : 128
            guard ok else { throw .error(.spfSyntax, "'\(word)': '\(addr)' is not an \(kind == .ip4 ? "IPv4" : "IPv6") address") }
            if let len, !(0...maxLen).contains(len) { throw .error(.spfSyntax, "'\(word)': prefix length \(len) is outside 0–\(maxLen)") }
            return SPFTerm(kind: .mechanism(kind), qualifier: q, explicitQualifier: explicit, value: arg)
        }
    }

    /// A domain-spec: a host name, possibly with `%{…}` macros; no spaces or quotes.
    static func isDomainSpec(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 253 && !s.contains(where: { $0.isWhitespace || $0 == "\"" }) && !s.hasPrefix(".")
    }

    /// `/24`, `//64` or `/24//64`.
    static func validDualCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "//", omittingEmptySubsequences: false).map(String.init)
        func v4(_ p: String) -> Bool { p.hasPrefix("/") && Int(p.dropFirst()).map { (0...32).contains($0) } == true }
        func v6(_ p: String) -> Bool { Int(p).map { (0...128).contains($0) } == true }
        switch parts.count {
        case 1: return v4(parts[0])
        case 2: return (parts[0].isEmpty || v4(parts[0])) && v6(parts[1])
        default: return false
        }
    }
}
