/// A parsed DMARC policy record (RFC 7489 6.3), the TXT at `_dmarc.<domain>`.
public struct DMARCRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Policy: String, Sendable, Hashable, Codable, CaseIterable { case none, quarantine, reject }
    public enum Alignment: String, Sendable, Hashable, Codable, CaseIterable { case relaxed = "r", strict = "s" }

    public var policy: Policy
    public var subdomainPolicy: Policy?
    public var rua: [DMARCReportURI]
    public var ruf: [DMARCReportURI]
    public var pct: Int?
    public var adkim: Alignment?
    public var aspf: Alignment?
    /// Failure-report options, a subset of `0`, `1`, `d`, `s` in written order.
    public var fo: [String]?
    /// Aggregate report interval in seconds.
    public var ri: UInt32?
    /// Tags the parser did not know (receivers ignore them), in order.
    public var unknownTags: [String]

    public init(policy: Policy, subdomainPolicy: Policy? = nil, rua: [DMARCReportURI] = [], ruf: [DMARCReportURI] = [],
                pct: Int? = nil, adkim: Alignment? = nil, aspf: Alignment? = nil, fo: [String]? = nil, ri: UInt32? = nil,
                unknownTags: [String] = []) {
        self.policy = policy
        self.subdomainPolicy = subdomainPolicy
        self.rua = rua
        self.ruf = ruf
        self.pct = pct
        self.adkim = adkim
        self.aspf = aspf
        self.fo = fo
        self.ri = ri
        self.unknownTags = unknownTags
    }

    /// Canonical text: `v=DMARC1; p=…` then the set tags in RFC order.
    public var description: String {
        var tags = ["v=DMARC1", "p=\(policy.rawValue)"]
        if let sp = subdomainPolicy { tags.append("sp=\(sp.rawValue)") }
        if !rua.isEmpty { tags.append("rua=" + rua.map(\.description).joined(separator: ",")) }
        if !ruf.isEmpty { tags.append("ruf=" + ruf.map(\.description).joined(separator: ",")) }
        if let pct { tags.append("pct=\(pct)") }
        if let adkim { tags.append("adkim=\(adkim.rawValue)") }
        if let aspf { tags.append("aspf=\(aspf.rawValue)") }
        if let fo { tags.append("fo=" + fo.joined(separator: ":")) }
        if let ri { tags.append("ri=\(ri)") }
        return tags.joined(separator: "; ")
    }

    /// The record's name for `domain`.
    public static func name(for domain: String) -> String { "_dmarc." + DomainName.normalize(domain) }

    public static func isDMARC(_ text: String) -> Bool {
        let t = text.trimmingWhitespace()
        guard let first = t.split(separator: ";", maxSplits: 1).first else { return false }
        return first.filter { !$0.isWhitespace }.lowercased() == "v=dmarc1"
    }

    /// Parses and validates every tag value; throws the first problem.
    public static func parse(_ text: String) throws(DNSProblem) -> DMARCRecord {
        let tags = try TagList.parse(text, duplicate: .dmarcDuplicateTag, syntax: .dmarcSyntax, what: "DMARC")
        guard let v = tags.first, v.name == "v", v.value == "DMARC1" else {
            throw .error(.dmarcNotDMARC, "a DMARC record starts with 'v=DMARC1'")
        }
        func val(_ n: String) -> String? { tags.first { $0.name == n }?.value }
        func policy(_ tag: String, _ s: String) throws(DNSProblem) -> Policy {
            guard let p = Policy(rawValue: s.lowercased()) else {
                throw .error(.dmarcInvalidValue, "\(tag)=\(s): must be none, quarantine or reject")
            }
            return p
        }
        func align(_ tag: String, _ s: String) throws(DNSProblem) -> Alignment {
            guard let a = Alignment(rawValue: s.lowercased()) else { throw .error(.dmarcInvalidValue, "\(tag)=\(s): must be r or s") }
            return a
        }
        guard let p = val("p") else { throw .error(.dmarcMissingPolicy, "the required tag 'p=' is missing") }
        var r = DMARCRecord(policy: try policy("p", p))
        if let sp = val("sp") { r.subdomainPolicy = try policy("sp", sp) }
        if let s = val("rua") { r.rua = try DMARCReportURI.parseList(s, tag: "rua") }
        if let s = val("ruf") { r.ruf = try DMARCReportURI.parseList(s, tag: "ruf") }
        if let s = val("pct") {
            guard s.allSatisfy({ $0.isASCII && $0.isNumber }), s.count <= 3, let n = Int(s), (0...100).contains(n) else {
                throw .error(.dmarcInvalidValue, "pct=\(s): must be an integer 0–100")
            }
            r.pct = n
        }
        if let s = val("adkim") { r.adkim = try align("adkim", s) }
        if let s = val("aspf") { r.aspf = try align("aspf", s) }
        if let s = val("fo") {
            let opts = s.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingWhitespace().lowercased() }
            guard opts.allSatisfy({ ["0", "1", "d", "s"].contains($0) }) else {
                throw .error(.dmarcInvalidValue, "fo=\(s): options are 0, 1, d and s, separated by ':'")
            }
            r.fo = opts
        }
        if let s = val("ri") {
            guard s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(s) else {
                throw .error(.dmarcInvalidValue, "ri=\(s): must be a number of seconds")
            }
            r.ri = n
        }
        if let s = val("rf"), s.lowercased() != "afrf" { throw .error(.dmarcInvalidValue, "rf=\(s): the only format is afrf") }
        let known: Set = ["v", "p", "sp", "rua", "ruf", "pct", "adkim", "aspf", "fo", "ri", "rf"]
        r.unknownTags = tags.map(\.name).filter { !known.contains($0) }
        return r
    }
}

/// A `rua`/`ruf` destination: `mailto:addr[!size]` (RFC 7489 6.2).
public struct DMARCReportURI: Sendable, Hashable, Codable, CustomStringConvertible {
    public var address: String
    /// Size limit like `10m`, kept as written.
    public var sizeLimit: String?

    public init(address: String, sizeLimit: String? = nil) {
        self.address = address
        self.sizeLimit = sizeLimit
    }

    public var domain: String { DomainName.normalize(String(address.split(separator: "@").last ?? "")) }

    public var description: String { "mailto:\(address)" + (sizeLimit.map { "!\($0)" } ?? "") }

    public static func parseList(_ s: String, tag: String) throws(DNSProblem) -> [DMARCReportURI] {
        var out: [DMARCReportURI] = []
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            out.append(try parse(part.trimmingWhitespace(), tag: tag))
        }
        return out
    }

    public static func parse(_ s: String, tag: String = "rua") throws(DNSProblem) -> DMARCReportURI {
        guard s.lowercased().hasPrefix("mailto:") else {
            throw .error(.dmarcInvalidURI, "\(tag)=\(s): report addresses are mailto: URIs")
        }
        var rest = String(s.dropFirst("mailto:".count))
        var size: String?
        if let bang = rest.lastIndex(of: "!") {
            let limit = String(rest[rest.index(after: bang)...])
            let digits = limit.prefix(while: { $0.isASCII && $0.isNumber })
            let unit = limit.dropFirst(digits.count)
            guard !digits.isEmpty, unit.count <= 1, unit.allSatisfy({ "kmgtKMGT".contains($0) }) else {
                throw .error(.dmarcInvalidURI, "\(tag)=\(s): '!\(limit)' is not a size limit like !10m")
            }
            size = limit
            rest = String(rest[..<bang])
        }
        guard isAddress(rest) else { throw .error(.dmarcInvalidURI, "\(tag)=\(s): '\(rest)' is not an email address") }
        return DMARCReportURI(address: rest, sizeLimit: size)
    }

    static func isAddress(_ a: String) -> Bool {
        let parts = a.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64,
              !parts[0].contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "!" }) else { return false }
        let host = String(parts[1])
        return HostName.isValid(host) && host.contains(".")
    }
}
