/// Settings of the daemon's watchers and public endpoints.
public struct Monitoring: Sendable, Hashable, Codable {
    /// How often every domain's DNS is checked against the desired state.
    public var dnsCheckInterval: TimeSpan
    /// How often SMTP/IMAP probes run.
    public var probeInterval: TimeSpan
    /// How often each Zoho mailbox's INBOX is read for replies.
    public var replyPollInterval: TimeSpan = .minutes(5)
    /// Public HTTPS base URL of `reconcile serve` (`https://hooks.acme-mail.com`):
    /// Mailgun webhooks point at it and one-click unsubscribe links are built on it.
    public var publicBaseURL: String?
    /// Key for the per-recipient HMAC in unsubscribe tokens.
    public var unsubscribeSecret: SecretRef?
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
