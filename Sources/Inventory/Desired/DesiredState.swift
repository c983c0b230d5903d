/// Everything the fleet should be, compiled from the inventory by
/// `DesiredStateCompiler`: deterministic (sorted, no clock, no randomness),
/// so two compiles of the same inventory are equal and diff cleanly.
public struct DesiredState: Sendable, Hashable, Codable {
    /// Sorted by name.
    public var domains: [DesiredDomain]
    /// Sorted by address.
    public var mailboxes: [DesiredMailbox]
    /// Non-fatal findings of the compile (e.g. SPF lookups near the limit), sorted.
    public var warnings: [Diagnostic]

    public init(domains: [DesiredDomain], mailboxes: [DesiredMailbox], warnings: [Diagnostic] = []) {
        self.domains = domains
        self.mailboxes = mailboxes
        self.warnings = warnings
    }

    public func domain(named name: String) -> DesiredDomain? {
        let n = name.lowercased()
        return domains.first { $0.name == n }
    }

    public func mailbox(_ address: String) -> DesiredMailbox? {
        let a = address.lowercased()
        return mailboxes.first { $0.address == a }
    }
}

/// One domain and every resource hanging off it.
public struct DesiredDomain: Sendable, Hashable, Codable {
    public var name: String
    public var group: String
    public var role: DomainRole
    /// Active domains only; spares are reconciled and warmed but not picked.
    public var inRotation: Bool
    public var inbound: InboundMode
    public var registration: DesiredRegistration
    /// Sorted (`DesiredRecord` order). Retired domains list their mail
    /// records as `absent`; extra records stay as written.
    public var records: [DesiredRecord]
    public var mailgun: DesiredMailgunDomain
    /// nil unless inbound is `zoho`.
    public var zoho: DesiredZohoDomain?
    /// nil: the domain's web forwarding is left alone.
    public var web: DesiredWeb?
    public var location: SourceLocation

    public init(name: String, group: String, role: DomainRole, inRotation: Bool, inbound: InboundMode,
                registration: DesiredRegistration, records: [DesiredRecord], mailgun: DesiredMailgunDomain,
                zoho: DesiredZohoDomain?, web: DesiredWeb? = nil, location: SourceLocation) {
        self.name = name
        self.group = group
        self.role = role
        self.inRotation = inRotation
        self.inbound = inbound
        self.registration = registration
        self.records = records
        self.mailgun = mailgun
        self.zoho = zoho
        self.web = web
        self.location = location
    }

    public var presentRecords: [DesiredRecord] { records.filter { $0.ensure == .present } }

    /// The records of one purpose (`.mx`, `.spf`, …), sorted.
    public func records(_ purpose: DesiredRecord.Purpose) -> [DesiredRecord] { records.filter { $0.purpose == purpose } }
}
