import DNSRecords
import Foundation
import Providers

/// The stateful model behind the Mailgun emulator: one region of one account.
/// Uniqueness is by key (domain name, login, webhook type, suppression address);
/// routes get generated ids, as at Mailgun, so a blindly repeated create *does*
/// duplicate a route — the client must cope (§1.13).
actor MailgunEmulatorState {
    struct DomainState {
        var domain: MailgunDomain
        var selector: String
        var dkimValue: String
        var credentials: [String: String] = [:]       // login -> password
        var credentialCreated: [String: String] = [:]
        var webhooks: [String: [String]] = [:]
        var suppressions: [MailgunSuppressionList: [String: MailgunSuppression]] = [:]
        var records: (sending: [MailgunDNSRecord], receiving: [MailgunDNSRecord])
    }

    struct SentMessage: Sendable {
        var id: String
        var domain: String
        var fields: [(String, String)]
        var recipients: [String]
        var tags: [String]
        var headers: [String: String]
        var variables: [String: String]
    }

    let region: MailgunRegion
    let dns: DNSView
    private(set) var domains: [String: DomainState] = [:]
    private(set) var routes: [MailgunRoute] = []
    private(set) var messages: [SentMessage] = []
    private(set) var events: [String: [MailgunEvent]] = [:]
    private var counter: UInt64 = 0
    private var selectorRoll: UInt64

    init(region: MailgunRegion, dns: DNSView, seed: UInt64) {
        self.region = region
        self.dns = dns
        self.selectorRoll = seed
    }

    func nextID() -> String {
        counter += 1
        return String(format: "67bcf633%08x%08x", UInt32(truncatingIfNeeded: selectorRoll), UInt32(counter))
    }

    /// Selectors seen at Mailgun (§1.5); varied per domain so nothing can hard-code one.
    private func pickSelector() -> String {
        let options = ["smtp", "mx", "k1", "s1", "pic", "krs"]
        selectorRoll = selectorRoll &* 6364136223846793005 &+ 1442695040888963407
        return options[Int((selectorRoll >> 33) % UInt64(options.count))]
    }

    func domain(_ name: String) -> DomainState? { domains[DomainName.normalize(name)] }

    func createDomain(name: String, selector: String?, keyBits: Int, spamAction: String, webPrefix: String,
                      webScheme: String, wildcard: Bool, now: Date) throws -> DomainState {
        let n = DomainName.normalize(name)
        let sel = selector ?? pickSelector()
        let pub = try DKIMKeyMaker.publicKeyBase64(bits: keyBits)
        let domain = MailgunDomain(name: n, id: nextID(), state: "unverified", type: "custom",
                                   createdAt: MailReply.rfc2822(now), isDisabled: false, requireTLS: false,
                                   skipVerification: false, smtpLogin: "postmaster@\(n)", spamAction: spamAction,
                                   useAutomaticSenderSecurity: false, webPrefix: webPrefix, webScheme: webScheme,
                                   wildcard: wildcard, encryptIncomingMessage: false, messageTTL: 0)
        let dkim = "k=rsa; p=\(pub)"
        var state = DomainState(domain: domain, selector: sel, dkimValue: dkim, records: ([], []))
        state.records = recordSet(state, valid: [:])
        state.credentials["postmaster@\(n)"] = UUID().uuidString
        state.credentialCreated["postmaster@\(n)"] = MailReply.rfc2822(now)
        domains[n] = state
        return state
    }

    func recordSet(_ s: DomainState, valid: [String: Bool]) -> (sending: [MailgunDNSRecord], receiving: [MailgunDNSRecord]) {
        let n = s.domain.name
        func v(_ key: String) -> String { valid[key].map { $0 ? "valid" : "invalid" } ?? "unknown" }
        let sending = [
            MailgunDNSRecord(recordType: "TXT", name: "\(s.selector)._domainkey.\(n)", value: s.dkimValue,
                             valid: v("dkim"), isActive: s.domain.isActive, cached: []),
            MailgunDNSRecord(recordType: "TXT", name: n, value: "v=spf1 include:\(region.spfInclude) ~all",
                             valid: v("spf"), isActive: true, cached: []),
            MailgunDNSRecord(recordType: "CNAME", name: "\(s.domain.webPrefix ?? "email").\(n)", value: region.trackingTarget,
                             valid: v("cname"), isActive: true, cached: []),
        ]
        let receiving = region.inboundMX.map {
            MailgunDNSRecord(recordType: "MX", name: nil, value: $0, priority: "10", valid: v("mx"), isActive: true, cached: [])
        }
        return (sending, receiving)
    }

    /// Re-checks DNS from the world's DNS view. Active only when SPF and DKIM TXT
    /// validate (MX and tracking CNAME are optional, §1.4). SPF is judged as
    /// "contains my include" so a merged Mailgun+Zoho record passes (§3.3).
    func verify(_ name: String) async -> DomainState? {
        let n = DomainName.normalize(name)
        guard var s = domains[n] else { return nil }
        let spfTXT = await dns.lookup(n, .TXT).map(\.value)
        let spfOK = spfTXT.contains { t in
            t.lowercased().hasPrefix("v=spf1") && t.lowercased().split(separator: " ").contains("include:\(region.spfInclude)")
        }
        let dkimTXT = await dns.lookup("\(s.selector)._domainkey.\(n)", .TXT).map(\.value)
        let dkimOK = dkimTXT.contains { Self.squash($0) == Self.squash(s.dkimValue) }
        let cname = await dns.lookup("\(s.domain.webPrefix ?? "email").\(n)", .CNAME).map(\.value)
        let mx = await dns.lookup(n, .MX).map(\.value)
        let mxOK = region.inboundMX.allSatisfy { mx.contains($0) }
        s.domain.state = spfOK && dkimOK ? "active" : "unverified"
        s.records = recordSet(s, valid: ["spf": spfOK, "dkim": dkimOK, "cname": cname.contains(region.trackingTarget), "mx": mxOK])
        domains[n] = s
        return s
    }

    static func squash(_ s: String) -> String { s.filter { !$0.isWhitespace && $0 != "\"" } }

    func deleteDomain(_ name: String) -> Bool {
        domains.removeValue(forKey: DomainName.normalize(name)) != nil
    }

    func update(_ name: String, _ body: (inout DomainState) -> Void) {
        let n = DomainName.normalize(name)
        guard var s = domains[n] else { return }
        body(&s)
        domains[n] = s
    }

    // MARK: routes

    func addRoute(_ r: MailgunRoute) { routes.append(r) }
    func replaceRoute(_ r: MailgunRoute) { if let i = routes.firstIndex(where: { $0.id == r.id }) { routes[i] = r } }
    func deleteRoute(_ id: String) -> Bool {
        guard let i = routes.firstIndex(where: { $0.id == id }) else { return false }
        routes.remove(at: i)
        return true
    }

    // MARK: messages and events

    func record(_ m: SentMessage) { messages.append(m) }
    func addEvent(_ e: MailgunEvent, domain: String) { events[DomainName.normalize(domain), default: []].append(e) }
    func events(of domain: String) -> [MailgunEvent] { events[DomainName.normalize(domain)] ?? [] }
}
