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

    public var status: Status {
        if notChecked != nil || findings.contains(where: { $0.status == .unknown }) { return .unknown }
        return findings.contains(where: \.isDifference) ? .differs : .ok
    }
}

/// The fleet's verdicts, in inventory order.
public struct CheckReport: Sendable, Hashable, Codable {
    public var domains: [DomainVerdict]
    /// The servers asked (the override, or each domain's delegation).
    public var nameserver: String?

    public init(domains: [DomainVerdict], nameserver: String? = nil) {
        self.domains = domains
        self.nameserver = nameserver
    }

    /// 0: everything as declared; 2: differences; 1: something could not be
    /// checked (then the rest of the fleet is not asserted, as for `drift`).
    public var exitCode: Int32 {
        if domains.contains(where: { $0.status == .unknown }) { return 1 }
        return domains.contains(where: { $0.status == .differs }) ? 2 : 0
    }
}
