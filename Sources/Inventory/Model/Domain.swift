/// One sending domain and its mailboxes.
public struct Domain: Sendable, Hashable, Codable {
    /// Lower-case, without trailing dot.
    public var name: String
    /// Name of a porkbun or namecheap account.
    public var registrar: String
    public var role: DomainRole
    /// nil: no ramp (the mailbox limits apply from day one).
    public var warmup: DomainWarmup?
    /// nil: `Defaults.inbound`.
    public var inbound: InboundPolicy?
    public var extraRecords: [ExtraRecord]
    /// nil: the group's, else `Defaults.web`.
    public var web: WebPolicy?
    public var mailboxes: [Mailbox]
    /// `auto_renew` of this registration; nil: the group's, else `Defaults.autoRenew`.
    public var autoRenew: Bool?
    /// The group whose `domains:` lists it.
    public var group: String
    public var location: SourceLocation

    public init(name: String, registrar: String, role: DomainRole = .active, warmup: DomainWarmup? = nil,
                inbound: InboundPolicy? = nil, extraRecords: [ExtraRecord] = [], web: WebPolicy? = nil,
                mailboxes: [Mailbox] = [], group: String, location: SourceLocation = .builtIn) {
        self.name = name
        self.registrar = registrar
        self.role = role
        self.warmup = warmup
        self.inbound = inbound
        self.extraRecords = extraRecords
        self.web = web
        self.mailboxes = mailboxes
        self.group = group
        self.location = location
    }
}

public enum DomainRole: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Reconciled, warmed and in rotation.
    case active
    /// Reconciled and warmed, but not in rotation (a stand-by for a burnt domain).
    case spare
    /// Kept registered with its extra records; its mail resources (mail DNS,
    /// Mailgun domain, routes, Zoho domain and users) are torn down.
    case retired

    public var description: String { rawValue }
}

public struct Mailbox: Sendable, Hashable, Codable {
    /// The local part, lower-case (`alice`).
    public var local: String
    public var displayName: String?
    public var location: SourceLocation

    public init(local: String, displayName: String? = nil, location: SourceLocation = .builtIn) {
        self.local = local
        self.displayName = displayName
        self.location = location
    }

    public func address(in domain: String) -> String { "\(local)@\(domain)" }
}
