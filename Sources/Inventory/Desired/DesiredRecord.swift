import DNSRecords

/// One DNS record the compiler wants at (or gone from) a domain.
public struct DesiredRecord: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Purpose: String, Sendable, Hashable, Codable, CaseIterable {
        case mx, spf, dmarc
        case mailgunDKIM = "mailgun-dkim"
        case zohoDKIM = "zoho-dkim"
        case tracking
        case zohoVerification = "zoho-verification"
        /// `*._report._dmarc.<zone>` (RFC 7489 §7.1): this zone accepts the fleet's DMARC reports.
        case dmarcReportAuthorization = "dmarc-report-authorization"
        /// Written by the operator (`extra_records`).
        case extra
    }

    public var ensure: Presence
    public var purpose: Purpose
    /// Canonical absolute name (see `DNSRecord`).
    public var name: String
    public var type: RecordType
    public var ttl: Int
    public var priority: Int?
    /// TXT values are one logical string; `TXTWire` chunks them on the wire.
    public var value: DesiredValue
    /// The inventory node it came from (the domain's, for managed records).
    public var location: SourceLocation

    public init(ensure: Presence = .present, purpose: Purpose, name: String, type: RecordType, ttl: Int,
                priority: Int? = nil, value: DesiredValue, location: SourceLocation) {
        self.ensure = ensure
        self.purpose = purpose
        self.name = DomainName.normalize(name)
        self.type = type
        self.ttl = ttl
        self.priority = priority
        self.value = value.known.map { .known(DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: $0).value) } ?? value
        self.location = location
    }

    init(_ r: DNSRecord, purpose: Purpose, location: SourceLocation) {
        self.init(purpose: purpose, name: r.name, type: r.type, ttl: r.ttl, priority: r.priority, value: .known(r.value), location: location)
    }

    /// The concrete record, when its value is known.
    public var record: DNSRecord? {
        value.known.map { DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: $0) }
    }

    public var description: String {
        let prio = priority.map { "\($0) " } ?? ""
        let v: String
        switch value {
        case .known(let s): v = type == .TXT ? "\"\(s)\"" : s
        case .afterApply: v = value.description
        }
        return "\(name) \(ttl) \(type.rawValue) \(prio)\(v)"
    }

    /// By name, type, priority, value, purpose. The value's description is
    /// built only to break a tie: building it for every comparison was a
    /// quarter of `validate`'s CPU on a 600-domain inventory.
    public static func < (a: DesiredRecord, b: DesiredRecord) -> Bool {
        if a.name != b.name { return a.name < b.name }
        if a.type != b.type { return a.type.rawValue < b.type.rawValue }
        if a.priority != b.priority { return (a.priority ?? -1) < (b.priority ?? -1) }
        let (av, bv) = (a.value.description, b.value.description)
        if av != bv { return av < bv }
        return a.purpose.rawValue < b.purpose.rawValue
    }
}
