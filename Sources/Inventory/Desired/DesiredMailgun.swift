import DNSRecords

/// The Mailgun domain of a sending domain, in its group's pool (account and region).
public struct DesiredMailgunDomain: Sendable, Hashable, Codable {
    /// 2048-bit keys need two TXT strings on the wire (handled by `TXTWire`);
    /// 1024 is below current guidance (RFC 8301 allows it, receivers frown).
    public static let defaultDKIMKeySize = 2048
    /// Our own selector (`dkim_selector` on create, mail-platforms.md 1.4), so
    /// the DKIM record's name is known before the domain exists.
    public static let defaultDKIMSelector = "mg"

    public var ensure: Presence
    /// The pool: a mailgun account name.
    public var account: String
    public var region: MailgunRegion
    public var dkimKeySize: Int
    public var dkimSelector: String
    /// `web_prefix`, the tracking CNAME's label; nil when tracking is off.
    public var trackingPrefix: String?
    /// Sorted by login.
    public var smtpCredentials: [DesiredSMTPCredential]
    /// Sorted by event.
    public var webhooks: [DesiredWebhook]
    /// Routes live on the region, not the domain (mail-platforms.md 1.1); sorted by expression.
    public var routes: [DesiredRoute]

    public init(ensure: Presence, account: String, region: MailgunRegion, dkimKeySize: Int = defaultDKIMKeySize,
                dkimSelector: String = defaultDKIMSelector, trackingPrefix: String?, smtpCredentials: [DesiredSMTPCredential],
                webhooks: [DesiredWebhook], routes: [DesiredRoute]) {
        self.ensure = ensure
        self.account = account
        self.region = region
        self.dkimKeySize = dkimKeySize
        self.dkimSelector = dkimSelector
        self.trackingPrefix = trackingPrefix
        self.smtpCredentials = smtpCredentials
        self.webhooks = webhooks
        self.routes = routes
    }
}

/// One SMTP login per mailbox. The password is never in the desired state:
/// it is derived from `passwordSecret` at apply time (see `MailgunAccount.smtpPasswordSecret`).
public struct DesiredSMTPCredential: Sendable, Hashable, Codable {
    public var ensure: Presence
    /// The full address (`alice@acme-mail.com`), Mailgun's `login`.
    public var login: String
    /// nil: no master secret is configured; Mailgun would generate a password
    /// the sender cannot know.
    public var passwordSecret: SecretRef?

    public init(ensure: Presence, login: String, passwordSecret: SecretRef?) {
        self.ensure = ensure
        self.login = login
        self.passwordSecret = passwordSecret
    }
}

/// A Mailgun webhook type pointing at the daemon.
public struct DesiredWebhook: Sendable, Hashable, Codable {
    /// A Mailgun webhook type (mail-platforms.md 1.9): `delivered`, `permanent_fail`, …
    public var event: String
    public var url: String
    public var ensure: Presence

    public init(event: String, url: String, ensure: Presence) {
        self.event = event
        self.url = url
        self.ensure = ensure
    }

    /// Bounces, complaints and unsubscribes drive suppression; deliveries
    /// close the send log. Opens and clicks exist only with tracking.
    public static let events = ["complained", "delivered", "permanent_fail", "temporary_fail", "unsubscribed"]
    public static let trackingEvents = ["clicked", "opened"]
    /// The daemon's webhook endpoint under the inventory's `public_base_url`.
    public static let path = "/webhooks/mailgun"
}

/// A Mailgun Route forwarding replies of one mailbox (inbound `mailgun-routing`).
public struct DesiredRoute: Sendable, Hashable, Codable {
    public var ensure: Presence
    /// Identifies our routes among the account's (`reconcile: alice@acmehq.eu`).
    public var description: String
    public var priority: Int
    /// `match_recipient("alice@acmehq.eu")`
    public var expression: String
    /// `forward("replies@acme-ops.com")`, `forward("https://ops.example/inbound/mailgun")`, `stop()`
    public var actions: [String]

    public init(ensure: Presence, description: String, priority: Int = 10, expression: String, actions: [String]) {
        self.ensure = ensure
        self.description = description
        self.priority = priority
        self.expression = expression
        self.actions = actions
    }

    /// `inboundURL`: `<public_base_url>/inbound/mailgun`, a second `forward()`
    /// so `serve` hears the reply as well as the person at `target`. The action
    /// strings are Mailgun's (`MailgunRouteDSL.forward` on the Providers side;
    /// Inventory does not depend on Providers).
    public static func forwarding(_ address: String, to target: String, inboundURL: String?, ensure: Presence) -> DesiredRoute {
        let forwards = [target] + (inboundURL.map { [$0] } ?? [])
        return DesiredRoute(ensure: ensure, description: "reconcile: \(address)",
                            expression: "match_recipient(\"\(address)\")", actions: forwards.map { "forward(\"\($0)\")" } + ["stop()"])
    }

    /// `serve`'s endpoint for Routes `forward()` POSTs under `public_base_url`.
    public static let inboundPath = "/inbound/mailgun"
}
