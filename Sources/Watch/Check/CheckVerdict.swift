import DNSRecords

/// One published record set (a name and a type) against what is declared.
public struct RecordFinding: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Published as declared.
        case ok
        /// Nothing published where a record is declared.
        case missing
        /// Published, with another value.
        case different
        /// A second SPF or DMARC record, or another key at our DKIM selector:
        /// receivers then ignore both.
        case competing
        /// Declared with a value that exists only after an apply not yet run.
        case pending
        /// No server answered (SERVFAIL, REFUSED, timeout): never a difference.
        case unknown
    }

    public var name: String
    public var type: RecordType
    /// What the record is for (`spf`, `dmarc`, `mailgun-dkim`, `nameservers`…).
    public var purpose: String
    public var status: Status
    public var expected: [String]
    public var published: [String]
    public var detail: String?

    public var isDifference: Bool { [.missing, .different, .competing, .pending].contains(status) }
}

/// One forwarded host's answer to `HEAD http://HOST/` against its declared
/// forward: `ok`, `different` (another code or `Location`, or no redirect),
/// or `unknown` (no answer: never a difference).
public struct WebFinding: Sendable, Hashable, Codable {
    /// `http://getacme.io/`.
    public var url: String
    public var status: RecordFinding.Status
    /// `301 https://acme.com`.
    public var expected: String
    /// What the server answered (`302 https://parked.example`, `200 without Location`); nil when unknown.
    public var answered: String?
    public var detail: String?

    public var isDifference: Bool { status != .ok && status != .unknown }
}

/// A domain's verdict: every record set checked, or why none could be.
public struct DomainVerdict: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case ok, differs
        case unknown = "could-not-check"
    }

    public var domain: String
    public var group: String
    public var findings: [RecordFinding]
    /// Set when the domain could not be checked at all.
    public var notChecked: String?
    /// Its web forwards over HTTP (none when it declares no `web:`).
    public var web: [WebFinding] = []

    public var status: Status {
        if notChecked != nil || findings.contains(where: { $0.status == .unknown }) || web.contains(where: { $0.status == .unknown }) {
            return .unknown
        }
        return findings.contains(where: \.isDifference) || web.contains(where: \.isDifference) ? .differs : .ok
    }
}

/// The fleet's verdicts, in inventory order.
public struct CheckReport: Sendable, Hashable, Codable {
    public var domains: [DomainVerdict]
    /// The servers asked (the override, or each domain's delegation).
    public var nameserver: String?
    /// Where the web forwards were asked (`--web-via`), when not at each domain's own address.
    public var webVia: String?

    public init(domains: [DomainVerdict], nameserver: String? = nil, webVia: String? = nil) {
        self.domains = domains
        self.nameserver = nameserver
        self.webVia = webVia
    }

    /// The domains `drift --via dns` reads through the APIs: those that
    /// differ or could not be checked, in inventory order.
    public var suspects: [DomainVerdict] { domains.filter { $0.status != .ok } }

    /// 0: everything as declared; 2: differences; 1: something could not be
    /// checked (then the rest of the fleet is not asserted, as for `drift`).
    public var exitCode: Int32 {
        if domains.contains(where: { $0.status == .unknown }) { return 1 }
        return domains.contains(where: { $0.status == .differs }) ? 2 : 0
    }
}
