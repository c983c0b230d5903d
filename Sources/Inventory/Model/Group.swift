/// A sending group: mailboxes that share one Mailgun pool and group limits.
public struct Group: Sendable, Hashable, Codable {
    public var name: String
    /// Name of a mailgun account; every domain of the group is a Mailgun
    /// domain in that account's region.
    public var pool: String
    public var limits: LimitOverrides
    /// nil: `Defaults.web`.
    public var web: WebPolicy?
    /// In file order.
    public var domains: [Domain]
    /// `auto_renew` for the group's domains; nil: `Defaults.autoRenew`.
    public var autoRenew: Bool?
    public var location: SourceLocation

    public init(name: String, pool: String, limits: LimitOverrides = LimitOverrides(), web: WebPolicy? = nil,
                domains: [Domain] = [], location: SourceLocation = .builtIn) {
        self.name = name
        self.pool = pool
        self.limits = limits
        self.web = web
        self.domains = domains
        self.location = location
    }

    public var mailboxCount: Int { domains.reduce(0) { $0 + $1.mailboxes.count } }
}
