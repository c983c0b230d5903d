import DNSRecords
import Inventory
import Providers
import Foundation
import Store

/// Observes the mail side of the inventory's domains through the
/// observation cache: a warm cache under `--refresh none|auto` makes no API
/// call. When a domain must be read, the account-wide listings (Mailgun
/// domains, Mailgun routes, Zoho domains, Zoho users) are fetched once per
/// account and run, shared by every domain that needs them; only what a
/// listing lacks is read per domain (a Mailgun domain's DKIM record,
/// credentials and webhooks).
public struct MailObserver: Sendable {
    public var accounts: MailAccounts
    public var reader: CachedReader
    public var concurrency: Int
    /// Where the SMTP password version last set on each credential is read
    /// (journal outputs `password.version`; Mailgun cannot show it). Without
    /// it every existing credential counts as current: rotation is not planned.
    public var journal: ApplyJournal?

    public init(accounts: MailAccounts, reader: CachedReader, concurrency: Int = 8, journal: ApplyJournal? = nil) {
        self.accounts = accounts
        self.reader = reader
        self.concurrency = concurrency
        self.journal = journal
    }

    public func observe(_ domains: [DesiredDomain]) async throws -> MailObservation {
        let listings = Listings()
        let accounts = self.accounts
        // One query for every cached mail observation (three per domain).
        let prefetched = try await PrefetchedReader.load([.mailgunDomain, .mailgunRoute, .zohoDomain], through: reader)
        let reads = try await boundedMap(domains, limit: concurrency) { d in
            try await Self.read(d, accounts: accounts, reader: prefetched, listings: listings)
        }
        var out = MailObservation()
        if let journal {
            // One query: `create:<d>/mailgunCredential/<login>` / `update:…` → its address.
            for (id, outputs) in try await journal.appliedOutputs(actionIDsContaining: "/\(ResourceKind.mailgunCredential.rawValue)/") {
                guard let colon = id.firstIndex(of: ":"), let v = outputs[MailOutput.passwordVersion].flatMap({ Int($0) }) else { continue }
                out.passwordVersions[String(id[id.index(after: colon)...])] = v
            }
        }
        for r in reads {
            if let why = r.blocked { out.blocked[r.domain] = why; out.unread[r.domain] = r.unreadAccount; continue }
            out.mailgun[r.domain] = r.mailgun
            out.routes[r.domain] = r.routes
            out.zoho[r.domain] = r.zoho
        }
        return out
    }

    struct DomainRead: Sendable {
        var domain: String
        var blocked: String?
        /// Set with `blocked` when a read failed: the account being read.
        var unreadAccount: String?
        var mailgun: CachedReader.Reading<MailgunDomainReading>?
        var routes: CachedReader.Reading<MailgunRoutesReading>?
        var zoho: CachedReader.Reading<ZohoDomainReading>?
    }

    static func read(_ d: DesiredDomain, accounts: MailAccounts, reader: PrefetchedReader, listings: Listings) async throws -> DomainRead {
        let name = DomainName.normalize(d.name)
        var out = DomainRead(domain: name)
        let mg = d.mailgun
        guard let client = accounts.mailgun[mg.account] else {
            out.blocked = "no mailgun account \"\(mg.account)\" configured"
            return out
        }
        guard client.region.rawValue == mg.region.rawValue else {
            out.blocked = "mailgun account \"\(mg.account)\" is configured for region \(client.region.rawValue), the inventory says \(mg.region.rawValue)"
            return out
        }
        var zohoClient: ZohoClient? = nil
        if let z = d.zoho {
            guard let c = accounts.zoho[z.account] else {
                out.blocked = "no zoho account \"\(z.account)\" configured"
                return out
            }
            guard c.region.rawValue == z.region.rawValue else {
                out.blocked = "zoho account \"\(z.account)\" is configured for data centre \(c.region.rawValue), the inventory says \(z.region.rawValue)"
                return out
            }
            guard c.orgID == z.orgID else {
                out.blocked = "zoho account \"\(z.account)\" is configured for organisation \(c.orgID), the inventory says \(z.orgID)"
                return out
            }
            zohoClient = c
        }
        let wantedRoutes = Set(mg.routes.map(\.description))
        var reading = mg.account
        do {
            out.mailgun = try await reader.read(MailObservationAddress.mailgun(name), hash: { try PlanFingerprint.hash(of: $0) }) {
                try await readMailgun(name, desired: mg, client: client, listings: listings)
            }
            out.routes = try await reader.read(MailObservationAddress.routes(name), hash: { try PlanFingerprint.hash(of: $0) }) {
                let all = try await listings.routes(mg.account) { try await client.allRoutes() }
                let ours = all.filter { wantedRoutes.contains($0.description) || MailgunRouteOwnership.owns($0.description, domain: name) }
                    .sorted { ($0.description, $0.createdAt ?? "", $0.id) < ($1.description, $1.createdAt ?? "", $1.id) }
                return MailgunRoutesReading(account: mg.account, region: client.region, routes: ours)
            }
            if let z = d.zoho, let zc = zohoClient {
                reading = z.account
                out.zoho = try await reader.read(MailObservationAddress.zoho(name), hash: { try PlanFingerprint.hash(of: $0) }) {
                    try await readZoho(name, desired: z, client: zc, listings: listings)
                }
            }
        } catch let e as ProviderError {
            // A read that failed through every retry: the next run tries again.
            out.blocked = "could not read the mail platforms: \(e)"
            out.unreadAccount = reading
        }
        return out
    }

    static func readMailgun(_ name: String, desired: DesiredMailgunDomain, client: MailgunClient,
                            listings: Listings) async throws -> MailgunDomainReading {
        let listed = try await listings.mailgunDomains(desired.account) { try await client.allDomains() }
        guard listed.contains(DomainName.normalize(name)) else { return MailgunDomainReading(domain: nil) }
        let full = try await client.getDomain(name)
        let dkim = MailgunDKIM.pick(full, selector: desired.dkimSelector)
        let credentials = try await client.listCredentials(name).map { $0.login.lowercased() }.sorted()
        let webhooks = try await client.listWebhooks(name)
        return MailgunDomainReading(domain: ObservedMailgunDomain(
            account: desired.account, region: client.region, state: full.domain.state, dkimSelector: dkim?.selector,
            dkimValue: dkim?.value, credentials: credentials, webhooks: webhooks))
    }

    static func readZoho(_ name: String, desired: DesiredZohoDomain, client: ZohoClient,
                         listings: Listings) async throws -> ZohoDomainReading {
        let listed = try await listings.zohoDomains(desired.account) { try await client.listDomains() }
        guard var domain = listed.first(where: { DomainName.normalize($0.domainName) == name }) else {
            return ZohoDomainReading(domain: nil)
        }
        // The documented list sample is truncated (§2.4): read the domain
        // itself only when the listing lacks the codes or the DKIM list.
        if domain.CNAMEVerificationCode == nil || domain.dkimDetailList == nil {
            domain = try await client.getDomain(name)
        }
        let users = try await listings.zohoUsers(desired.account) { try await client.listUsers() }
            .compactMap { u -> ObservedZohoUser? in
                guard let a = u.address?.lowercased(), a.hasSuffix("@" + name) else { return nil }
                return ObservedZohoUser(address: a, zuid: u.zuid.value, accountID: u.accountId.value, enabled: u.isEnabled)
            }.sorted { $0.address < $1.address }
        let dkim = (domain.dkimDetailList ?? []).map {
            ObservedZohoDKIM(id: $0.dkimId.value, selector: $0.selector, publicKey: $0.publicKey,
                             verified: $0.isVerified?.isTrue ?? false, isDefault: $0.isDefault?.isTrue ?? false)
        }.sorted { $0.selector < $1.selector }
        return ZohoDomainReading(domain: ObservedZohoDomain(
            account: desired.account, orgID: client.orgID, verified: domain.isVerified,
            hostingEnabled: domain.mailHostingEnabled?.isTrue ?? false, verificationCode: domain.CNAMEVerificationCode,
            dkim: dkim, users: users))
    }
}

/// Routes are recognised as ours by their description (`reconcile: alice@acmehq.eu`,
/// `DesiredRoute.forwarding`): route ids are Mailgun's (§1.13).
public enum MailgunRouteOwnership {
    public static let prefix = "reconcile: "

    public static func owns(_ description: String, domain: String) -> Bool {
        guard description.hasPrefix(prefix) else { return false }
        return description.dropFirst(prefix.count).lowercased().hasSuffix("@" + DomainName.normalize(domain))
    }
}

/// The DKIM record among a Mailgun domain's sending records: the wanted
/// selector's, else the active one, else the first (§1.5: never hard-coded).
enum MailgunDKIM {
    static func pick(_ r: MailgunDomainResponse, selector: String) -> (selector: String, value: String)? {
        let keys = (r.sendingDNSRecords ?? []).filter { $0.recordType.uppercased() == "TXT" && $0.dkimSelector != nil }
        let chosen = keys.first { $0.dkimSelector == selector } ?? keys.first { $0.isActive == true } ?? keys.first
        guard let chosen, let s = chosen.dkimSelector else { return nil }
        return (s, chosen.value)
    }
}

/// One listing per account and run, shared by the domains that need it
/// (and not fetched at all when every domain comes from the cache).
actor Listings {
    var mailgunDomainTasks: [String: Task<Set<String>, any Error>] = [:]
    var routeTasks: [String: Task<[MailgunRoute], any Error>] = [:]
    var zohoDomainTasks: [String: Task<[ZohoDomain], any Error>] = [:]
    var zohoUserTasks: [String: Task<[ZohoUser], any Error>] = [:]

    func mailgunDomains(_ account: String, _ fetch: @escaping @Sendable () async throws -> [MailgunDomain]) async throws -> Set<String> {
        if mailgunDomainTasks[account] == nil {
            mailgunDomainTasks[account] = Task { Set(try await fetch().map { DomainName.normalize($0.name) }) }
        }
        return try await mailgunDomainTasks[account]!.value
    }

    func routes(_ account: String, _ fetch: @escaping @Sendable () async throws -> [MailgunRoute]) async throws -> [MailgunRoute] {
        if routeTasks[account] == nil { routeTasks[account] = Task { try await fetch() } }
        return try await routeTasks[account]!.value
    }

    func zohoDomains(_ account: String, _ fetch: @escaping @Sendable () async throws -> [ZohoDomain]) async throws -> [ZohoDomain] {
        if zohoDomainTasks[account] == nil { zohoDomainTasks[account] = Task { try await fetch() } }
        return try await zohoDomainTasks[account]!.value
    }

    func zohoUsers(_ account: String, _ fetch: @escaping @Sendable () async throws -> [ZohoUser]) async throws -> [ZohoUser] {
        if zohoUserTasks[account] == nil { zohoUserTasks[account] = Task { try await fetch() } }
        return try await zohoUserTasks[account]!.value
    }
}
