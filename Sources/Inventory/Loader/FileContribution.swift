/// What one inventory file contributes before files are merged, plus the
/// cross-references that can only be checked once every file is read.
struct FileContribution {
    /// True for a fleet file (not a group file); sections absent from the
    /// whole inventory are located at the first such file.
    var isFleetFile = false
    var file = ""
    var accounts: [Account] = []
    var defaults: Located<Defaults>?
    /// True when the file's `defaults:` names an inbound mode itself.
    var defaultsInboundExplicit = false
    var warmup: [WarmupSchedule] = []
    var limits: Located<Limits>?
    var alerts: Located<Alerts>?
    var monitoring: Located<Monitoring>?
    var safety: Located<Safety>?
    var costs: Located<Costs>?
    /// `state:`: where the state lives (a file path or a PostgreSQL URL).
    var state: Located<String>?
    var groups: [Group] = []
    var references: [Reference] = []
    /// Account names whose entry had errors (references to them are not reported again).
    var brokenAccounts: Set<String> = []
    /// Every domain name as written, for duplicate checks across files.
    var domainSites: [DomainSite] = []
    /// `inbound: zoho` without an account: filled in when exactly one zoho account exists.
    var zohoShorthands: [(location: SourceLocation, path: String)] = []
}

struct DomainSite {
    var name: String
    var group: String
    var location: SourceLocation
    var path: String
    /// True when the domain names no inbound mode and relies on `defaults.inbound`.
    var usesDefaultInbound: Bool
}

/// A value with where its section was declared (for "defined twice" errors).
struct Located<T> {
    var value: T
    var location: SourceLocation
    var path: String
}

/// A name that must resolve to an account of some kinds, or to a warmup schedule.
struct Reference {
    enum Target: Equatable {
        case account([AccountKind], role: String)
        case schedule
    }

    var name: String
    var target: Target
    var location: SourceLocation
    var path: String
}
