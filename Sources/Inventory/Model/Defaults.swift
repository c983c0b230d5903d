/// Fleet-wide settings every domain inherits unless it overrides them.
public struct Defaults: Sendable, Hashable, Codable {
    /// TTL in seconds of every managed record without its own TTL.
    public var ttl: Int
    public var inbound: InboundPolicy
    public var dmarc: DMARCPolicy
    public var spf: SPFPolicy
    /// Publish Mailgun's tracking CNAME (`<prefix>.<domain>`, mail-platforms.md 1.5).
    public var tracking: TrackingPolicy
    /// Records added to every domain (e.g. a CAA or a site-verification TXT).
    public var extraRecords: [ExtraRecord]
    /// Fallback master secret for deriving Mailgun SMTP passwords (see `MailgunAccount.smtpPasswordSecret`).
    public var smtpPasswordSecret: SecretRef?
    /// nil: not declared (no domain is forwarded unless its group or itself says so).
    public var web: WebPolicy?
    /// `auto_renew`: the registrations renew themselves (a group's or domain's own wins).
    public var autoRenew = true
    public var location: SourceLocation

    public static let defaultTTL = 3600

    public init(ttl: Int = Defaults.defaultTTL, inbound: InboundPolicy, dmarc: DMARCPolicy = DMARCPolicy(),
                spf: SPFPolicy = SPFPolicy(), tracking: TrackingPolicy = TrackingPolicy(),
                extraRecords: [ExtraRecord] = [], smtpPasswordSecret: SecretRef? = nil, web: WebPolicy? = nil,
                location: SourceLocation = .builtIn) {
        self.ttl = ttl
        self.inbound = inbound
        self.dmarc = dmarc
        self.spf = spf
        self.tracking = tracking
        self.extraRecords = extraRecords
        self.smtpPasswordSecret = smtpPasswordSecret
        self.web = web
        self.location = location
    }
}

/// Where replies to a domain's mailboxes go.
public enum InboundPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Zoho hosts the mailboxes: Zoho MX, the Zoho domain and its users.
    /// `account` names a zoho account (filled in by the loader when the
    /// inventory has exactly one).
    case zoho(account: String)
    /// No mailboxes: Mailgun MX and a Route per mailbox that forwards replies
    /// to `forwardTo` (an address or URL), through the group's pool.
    case mailgunRouting(forwardTo: String)

    public var mode: InboundMode {
        switch self {
        case .zoho: .zoho
        case .mailgunRouting: .mailgunRouting
        }
    }

    public var description: String {
        switch self {
        case .zoho(let a): "zoho (\(a))"
        case .mailgunRouting(let f): "mailgun-routing → \(f)"
        }
    }
}

public enum InboundMode: String, Sendable, Hashable, Codable, CaseIterable {
    case zoho
    case mailgunRouting = "mailgun-routing"
}

public struct TrackingPolicy: Sendable, Hashable, Codable {
    public var enabled: Bool
    /// Mailgun's `web_prefix` (default `email`).
    public var prefix: String

    public init(enabled: Bool = false, prefix: String = "email") {
        self.enabled = enabled
        self.prefix = prefix
    }
}

/// The `_dmarc` TXT record's tags (RFC 7489).
public struct DMARCPolicy: Sendable, Hashable, Codable {
    public enum Disposition: String, Sendable, Hashable, Codable, CaseIterable { case none, quarantine, reject }
    public enum Alignment: String, Sendable, Hashable, Codable, CaseIterable {
        case relaxed = "r", strict = "s"
    }

    /// `p=`
    public var policy: Disposition
    /// `sp=`; nil omits the tag (subdomains inherit `p`).
    public var subdomainPolicy: Disposition?
    /// `rua=`: `mailto:` URIs for aggregate reports.
    public var rua: [String]
    /// `ruf=`: `mailto:` URIs for failure reports.
    public var ruf: [String]
    /// `pct=` 0–100.
    public var pct: Int
    public var adkim: Alignment
    public var aspf: Alignment
    public var location: SourceLocation

    public init(policy: Disposition = .none, subdomainPolicy: Disposition? = nil, rua: [String] = [], ruf: [String] = [],
                pct: Int = 100, adkim: Alignment = .relaxed, aspf: Alignment = .relaxed, location: SourceLocation = .builtIn) {
        self.policy = policy
        self.subdomainPolicy = subdomainPolicy
        self.rua = rua
        self.ruf = ruf
        self.pct = pct
        self.adkim = adkim
        self.aspf = aspf
        self.location = location
    }
}

/// How the apex SPF record is built: the providers' includes (from the
/// domain's pool region and inbound mode) plus `includes`, then `qualifier all`.
public struct SPFPolicy: Sendable, Hashable, Codable {
    public enum Qualifier: String, Sendable, Hashable, Codable, CaseIterable {
        case fail = "-", softfail = "~", neutral = "?"
        /// The YAML spelling (`softfail`, `fail`, `neutral`).
        public var word: String {
            switch self {
            case .fail: "fail"
            case .softfail: "softfail"
            case .neutral: "neutral"
            }
        }
    }

    public var qualifier: Qualifier
    public var includes: [SPFInclude]

    public init(qualifier: Qualifier = .softfail, includes: [SPFInclude] = []) {
        self.qualifier = qualifier
        self.includes = includes
    }
}

/// An extra `include:` with, optionally, its DNS lookup cost when the
/// built-in table does not know the domain.
public struct SPFInclude: Sendable, Hashable, Codable {
    public var domain: String
    public var lookups: Int?
    public var location: SourceLocation

    public init(domain: String, lookups: Int? = nil, location: SourceLocation = .builtIn) {
        self.domain = domain
        self.lookups = lookups
        self.location = location
    }
}
