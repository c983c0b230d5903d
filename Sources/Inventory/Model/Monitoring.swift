/// Settings of the daemon's watchers and public endpoints.
public struct Monitoring: Sendable, Hashable, Codable {
    /// How often every domain's DNS is checked against the desired state.
    public var dnsCheckInterval: TimeSpan
    /// How old the last DNS verdict of a domain may be before `send` holds it
    /// (nothing is checking); nil: two `dnsCheckInterval`s.
    public var dnsVerdictMaxAge: TimeSpan?
    /// How often SMTP/IMAP probes run.
    public var probeInterval: TimeSpan
    /// Consecutive failures of one probe condition (endpoint down, TLS, login) before its alert opens.
    public var probeAlertAfter: Int = 3
    /// Logins tried per endpoint and round beside those already failing: every credential set in turn.
    public var probeLoginsPerRound: Int = 3
    /// How often each Zoho mailbox's INBOX is read for replies.
    public var replyPollInterval: TimeSpan = .minutes(5)
    /// Public HTTPS base URL of `reconcile serve` (`https://hooks.acme-mail.com`):
    /// Mailgun webhooks point at it and one-click unsubscribe links are built on it.
    public var publicBaseURL: String?
    /// Key for the per-recipient HMAC in unsubscribe tokens.
    public var unsubscribeSecret: SecretRef?
    /// Basic auth for `/`, `/metrics` and `/healthz`; without it they are served on loopback only.
    public var statusAuth: StatusAuth?
    /// DNSBL/DBL zones every domain is looked up on, and how often.
    public var blocklists: [Blocklist] = []
    public var blocklistInterval: TimeSpan = .hours(1)
    /// A registration expiring within this, with auto-renew off, is a plan warning and an alert.
    public var expiryWarning: TimeSpan = .days(30)
    public var location: SourceLocation

    public init(dnsCheckInterval: TimeSpan = .minutes(10), probeInterval: TimeSpan = .hours(1),
                publicBaseURL: String? = nil, unsubscribeSecret: SecretRef? = nil, location: SourceLocation = .builtIn) {
        self.dnsCheckInterval = dnsCheckInterval
        self.probeInterval = probeInterval
        self.publicBaseURL = publicBaseURL
        self.unsubscribeSecret = unsubscribeSecret
        self.location = location
    }
}

extension Monitoring {
    /// `dns_verdict_max_age`, or two check intervals.
    public var effectiveDNSVerdictMaxAge: TimeSpan { dnsVerdictMaxAge ?? TimeSpan(seconds: 2 * dnsCheckInterval.seconds) }
}

/// `monitoring.status_auth`: the user and the `env:` password a person (or a
/// Prometheus scraper) gives to read the status page and metrics.
public struct StatusAuth: Sendable, Hashable, Codable {
    public var user: String
    public var password: SecretRef
    public var location: SourceLocation
    public init(user: String, password: SecretRef, location: SourceLocation = .builtIn) {
        self.user = user; self.password = password; self.location = location
    }
}
