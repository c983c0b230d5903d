/// One endpoint the probes log in to — a sending pool's SMTP host, a Zoho
/// organisation's IMAP or SMTP host — with every login that must work there.
public struct ProbeTarget: Sendable, Hashable {
    public enum Proto: String, Sendable, Hashable { case smtp, imap }

    /// The inventory account (`mailgun-us`, `zoho`): with `proto`, what the alerts and metrics are keyed by,
    /// so moving the endpoint (`smtp_endpoint`, `imap_endpoint`) keeps an open alert its key.
    public var account: String
    /// `Mailgun`, `Zoho`: for people reading an alert.
    public var provider: String
    public var proto: Proto
    /// `smtp://` (STARTTLS required), `smtps://` or `imaps://HOST:PORT`; never carries a login.
    public var url: String
    /// A private CA to trust (tests); verification is never switched off.
    public var caFile: String?
    public var logins: [ProbeLogin]

    public init(account: String, provider: String, proto: Proto, url: String, caFile: String? = nil, logins: [ProbeLogin]) {
        self.account = account; self.provider = provider; self.proto = proto; self.url = url; self.caFile = caFile; self.logins = logins
    }

    /// `mailgun-us smtp`: the endpoint's identity in alert keys.
    public var id: String { "\(account):\(proto.rawValue)" }
    /// `Mailgun SMTP smtp://smtp.mailgun.org:587 (mailgun-us)`.
    public var title: String { "\(provider) \(proto.rawValue.uppercased()) \(url) (\(account))" }
}

/// A user name and its (derived) password. Printing one shows the user only.
public struct ProbeLogin: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) { self.username = username; self.password = password }

    public var description: String { "\(username) (password ****)" }
    public var debugDescription: String { description }
}

/// How far a handshake got, in order: a failure at a stage says nothing about the later ones.
public enum ProbeCondition: String, Sendable, Hashable, Comparable, CaseIterable {
    /// No connection, a timeout, a dropped or garbled dialogue.
    case down
    /// TLS did not complete: no STARTTLS offered, a handshake or certificate failure.
    case tls
    /// The server refused the login (or offered no AUTH at all).
    case login

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One login's handshake: how long it took, and what failed (nil: every step passed).
public struct ProbeOutcome: Sendable, Hashable {
    public var latency: Double
    public var failure: Failure?

    public struct Failure: Sendable, Hashable {
        public var condition: ProbeCondition
        /// Safe to show: curl's code and words, the server's last reply; never a password.
        public var detail: String
        public init(_ condition: ProbeCondition, _ detail: String) { self.condition = condition; self.detail = detail }
    }

    public init(latency: Double, failure: Failure? = nil) { self.latency = latency; self.failure = failure }
}
