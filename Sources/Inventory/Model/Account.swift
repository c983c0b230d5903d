import DNSRecords

/// A provider account the fleet uses. Registrars host the domains and their
/// DNS; Mailgun accounts are sending pools; Zoho organisations host mailboxes.
public struct Account: Sendable, Hashable, Codable {
    /// The key under `accounts:` (`porkbun`, `mailgun-us`); groups and domains refer to it.
    public var name: String
    public var settings: AccountSettings
    /// Base URL override (Namecheap's sandbox, a proxy, the Sandbox emulators);
    /// nil means the provider's production URL.
    public var endpoint: String?
    public var location: SourceLocation

    public init(name: String, settings: AccountSettings, endpoint: String? = nil, location: SourceLocation = .builtIn) {
        self.name = name
        self.settings = settings
        self.endpoint = endpoint
        self.location = location
    }

    public var kind: AccountKind { settings.kind }
    public var isRegistrar: Bool { kind.isRegistrar }

    public var mailgun: MailgunAccount? { if case .mailgun(let m) = settings { return m } else { return nil } }
    public var zoho: ZohoAccount? { if case .zoho(let z) = settings { return z } else { return nil } }
    public var porkbun: PorkbunAccount? { if case .porkbun(let p) = settings { return p } else { return nil } }
    public var namecheap: NamecheapAccount? { if case .namecheap(let n) = settings { return n } else { return nil } }
}

/// The provider an account belongs to (`kind:` in YAML; may be omitted when
/// the account's name is the kind, as in `porkbun: {...}`).
public enum AccountKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case porkbun, namecheap, mailgun, zoho

    public var isRegistrar: Bool { self == .porkbun || self == .namecheap }
    /// The registrar's DNS publishes `*` names (Porkbun's and Namecheap's APIs
    /// both take a `*` host label: shared/providers/registrars.md A3, B3).
    public var servesWildcardRecords: Bool { isRegistrar }
    public var description: String { rawValue }
}

/// Per-kind settings; every credential is a `SecretRef`.
public enum AccountSettings: Sendable, Hashable, Codable {
    case porkbun(PorkbunAccount)
    case namecheap(NamecheapAccount)
    case mailgun(MailgunAccount)
    case zoho(ZohoAccount)

    public var kind: AccountKind {
        switch self {
        case .porkbun: .porkbun
        case .namecheap: .namecheap
        case .mailgun: .mailgun
        case .zoho: .zoho
        }
    }
}

/// registrars.md A: body fields `apikey` and `secretapikey`.
public struct PorkbunAccount: Sendable, Hashable, Codable {
    public var apiKey: SecretRef
    public var secretKey: SecretRef

    public init(apiKey: SecretRef, secretKey: SecretRef) {
        self.apiKey = apiKey
        self.secretKey = secretKey
    }
}

/// registrars.md B: `ApiUser`, `UserName`, `ApiKey`, `ClientIp` (IPv4, whitelisted) on every call.
public struct NamecheapAccount: Sendable, Hashable, Codable {
    public var apiUser: String
    /// Defaults to `apiUser` (registrars.md: "normally = ApiUser").
    public var username: String
    public var apiKey: SecretRef
    public var clientIP: String

    public init(apiUser: String, username: String, apiKey: SecretRef, clientIP: String) {
        self.apiUser = apiUser
        self.username = username
        self.apiKey = apiKey
        self.clientIP = clientIP
    }
}

public struct MailgunAccount: Sendable, Hashable, Codable {
    public var region: MailgunRegion
    public var apiKey: SecretRef
    /// Mailgun's "HTTP webhook signing key", used to check webhook signatures.
    public var webhookSigningKey: SecretRef?
    /// Master secret from which each mailbox's SMTP credential password is
    /// derived (so passwords are reproducible and never stored). Falls back to
    /// `Defaults.smtpPasswordSecret`.
    public var smtpPasswordSecret: SecretRef?
    /// `smtp://HOST:PORT`: where `send` relays instead of the region's
    /// `smtp.mailgun.org:587` (Mailgun's other ports, a local catcher, tests).
    public var smtpEndpoint: String?
    /// A CA bundle (PEM) to trust for `smtpEndpoint`, as written (relative to
    /// the inventory directory); certificate verification stays on.
    public var smtpCAFile: String?

    public init(region: MailgunRegion, apiKey: SecretRef, webhookSigningKey: SecretRef? = nil, smtpPasswordSecret: SecretRef? = nil,
                smtpEndpoint: String? = nil, smtpCAFile: String? = nil) {
        self.region = region
        self.apiKey = apiKey
        self.webhookSigningKey = webhookSigningKey
        self.smtpPasswordSecret = smtpPasswordSecret
        self.smtpEndpoint = smtpEndpoint
        self.smtpCAFile = smtpCAFile
    }
}

public struct ZohoAccount: Sendable, Hashable, Codable {
    public var region: ZohoRegion
    public var clientID: SecretRef
    public var clientSecret: SecretRef
    public var refreshToken: SecretRef
    /// The organisation id (`zoid`, mail-platforms.md 2.3).
    public var orgID: String
    /// Where replies are read instead of the region's `imappro` host (a test
    /// server, a proxy): `imaps://HOST:PORT`; `imapCAFile` trusts a private CA.
    public var imapEndpoint: String?
    public var imapCAFile: String?
    /// Where the mailboxes' SMTP logins are probed instead of the region's
    /// `smtppro` host: `smtp[s]://HOST:PORT`; `smtpCAFile` trusts a private CA.
    public var smtpEndpoint: String?
    public var smtpCAFile: String?

    public init(region: ZohoRegion, clientID: SecretRef, clientSecret: SecretRef, refreshToken: SecretRef, orgID: String,
                imapEndpoint: String? = nil, imapCAFile: String? = nil, smtpEndpoint: String? = nil, smtpCAFile: String? = nil) {
        self.region = region
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
        self.orgID = orgID
        self.imapEndpoint = imapEndpoint
        self.imapCAFile = imapCAFile
        self.smtpEndpoint = smtpEndpoint
        self.smtpCAFile = smtpCAFile
    }

    /// The IMAP URL replies are read from.
    public var imapURL: String { imapEndpoint ?? "imaps://\(region.imapHost):993" }
    /// The SMTP URL the mailboxes log in to (TLS from the first byte on Zoho's own host).
    public var smtpURL: String { smtpEndpoint ?? "smtps://\(region.smtpHost):465" }
}
