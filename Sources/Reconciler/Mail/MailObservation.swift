import DNSRecords
import Providers

/// What the mail platforms hold for the inventory's domains, as the planner
/// needs it. Each part is one cached observation per domain (so an apply
/// that touched a domain's mail resources invalidates exactly that entry):
/// `<domain>/mailgunDomain/` (the domain with its DKIM value, credentials
/// and webhooks), `<domain>/mailgunRoute/` (the routes we own for its
/// mailboxes), `<domain>/zohoDomain/` (domain, verification, DKIM, users).
public struct MailObservation: Sendable {
    /// Domain → why its mail side cannot be planned (account not configured,
    /// read failed after the client's retries). Plan such a domain as blocked
    /// and skip its zone: records whose values come from the provider would
    /// otherwise look undesired.
    public var blocked: [String: String] = [:]
    /// The blocked domains whose read failed: domain → the account being read.
    public var unread: [String: String] = [:]
    public var mailgun: [String: CachedReader.Reading<MailgunDomainReading>] = [:]
    public var routes: [String: CachedReader.Reading<MailgunRoutesReading>] = [:]
    public var zoho: [String: CachedReader.Reading<ZohoDomainReading>] = [:]
    /// Credential address (`<d>/mailgunCredential/<login>`) → the SMTP password
    /// version the tool last set on it (from the journal, see `MailObserver.journal`).
    public var passwordVersions: [String: Int] = [:]

    public init() {}
}

/// The cache addresses of a domain's mail observations; every mail action
/// names one of them as `observed`, so the lead's post-apply invalidation of
/// `plan.touchedResources` forgets exactly what the apply changed.
public enum MailObservationAddress {
    public static func mailgun(_ domain: String) -> ResourceAddress { ResourceAddress(domain: domain, kind: .mailgunDomain) }
    public static func routes(_ domain: String) -> ResourceAddress { ResourceAddress(domain: domain, kind: .mailgunRoute) }
    public static func zoho(_ domain: String) -> ResourceAddress { ResourceAddress(domain: domain, kind: .zohoDomain) }
}

/// A Mailgun domain as read: nil when the account does not hold it.
public struct MailgunDomainReading: Sendable, Hashable, Codable {
    public var domain: ObservedMailgunDomain?
    public init(domain: ObservedMailgunDomain?) { self.domain = domain }
}

public struct ObservedMailgunDomain: Sendable, Hashable, Codable {
    public var account: String
    public var region: MailgunRegion
    /// `active`, `unverified`, `disabled`.
    public var state: String
    /// The DKIM record Mailgun asks for (the desired selector's when present).
    public var dkimSelector: String?
    public var dkimValue: String?
    /// Logins, lower-cased and sorted (Mailgun never shows a password).
    public var credentials: [String]
    /// Webhook type → URLs.
    public var webhooks: [String: [String]]

    public init(account: String, region: MailgunRegion, state: String, dkimSelector: String?, dkimValue: String?,
                credentials: [String], webhooks: [String: [String]]) {
        self.account = account
        self.region = region
        self.state = state
        self.dkimSelector = dkimSelector
        self.dkimValue = dkimValue
        self.credentials = credentials
        self.webhooks = webhooks
    }

    public var isActive: Bool { state.lowercased() == "active" }
}

/// The routes of an account that belong to one domain: those whose
/// description is ours (`reconcile: <mailbox of the domain>`). Others are
/// never read into a plan, so never touched.
public struct MailgunRoutesReading: Sendable, Hashable, Codable {
    public var account: String
    public var region: MailgunRegion
    /// Sorted by (description, created, id).
    public var routes: [MailgunRoute]
    public init(account: String, region: MailgunRegion, routes: [MailgunRoute]) {
        self.account = account
        self.region = region
        self.routes = routes
    }
}

/// A Zoho domain as read: nil when the organisation does not hold it.
public struct ZohoDomainReading: Sendable, Hashable, Codable {
    public var domain: ObservedZohoDomain?
    public init(domain: ObservedZohoDomain?) { self.domain = domain }
}

public struct ObservedZohoDomain: Sendable, Hashable, Codable {
    public var account: String
    public var orgID: String
    /// Ownership verified (`verificationStatus`).
    public var verified: Bool
    public var hostingEnabled: Bool
    /// `CNAMEVerificationCode` (the TXT method uses it too, §2.4).
    public var verificationCode: String?
    public var dkim: [ObservedZohoDKIM]
    /// The organisation's users whose primary address is at this domain, sorted.
    public var users: [ObservedZohoUser]

    public init(account: String, orgID: String, verified: Bool, hostingEnabled: Bool, verificationCode: String?,
                dkim: [ObservedZohoDKIM], users: [ObservedZohoUser]) {
        self.account = account
        self.orgID = orgID
        self.verified = verified
        self.hostingEnabled = hostingEnabled
        self.verificationCode = verificationCode
        self.dkim = dkim
        self.users = users
    }

    public func dkim(selector: String) -> ObservedZohoDKIM? { dkim.first { $0.selector == selector } }
}

public struct ObservedZohoDKIM: Sendable, Hashable, Codable {
    public var id: String
    public var selector: String
    public var publicKey: String?
    public var verified: Bool
    public var isDefault: Bool
    public init(id: String, selector: String, publicKey: String?, verified: Bool, isDefault: Bool) {
        self.id = id
        self.selector = selector
        self.publicKey = publicKey
        self.verified = verified
        self.isDefault = isDefault
    }
}

public struct ObservedZohoUser: Sendable, Hashable, Codable {
    public var address: String
    public var zuid: String
    public var accountID: String
    public var enabled: Bool
    public init(address: String, zuid: String, accountID: String, enabled: Bool) {
        self.address = address
        self.zuid = zuid
        self.accountID = accountID
        self.enabled = enabled
    }
}
