import DNSRecords
import Foundation
import Providers

/// The Zoho Mail organization the emulator holds: domains with their
/// verification codes and DKIM keys, users, and the OAuth tokens it issued.
actor ZohoEmulatorState {
    struct DKIMState: Codable, Sendable, Equatable {
        var id: Int64
        var selector: String
        var publicKey: String
        var isDefault = false
        var isVerified = false
    }

    struct DomainState: Codable, Sendable, Equatable {
        var name: String
        var id: Int64
        var code: Int
        var created: Int64
        var verified = false
        var hosting = false
        var mx = false
        var spf = false
        var dkim: [DKIMState] = []
    }

    struct UserState: Codable, Sendable, Equatable {
        var zuid: Int64
        var accountId: Int64
        var address: String
        var firstName: String?
        var lastName: String?
        var displayName: String?
        var role: String
        var enabled = true
    }

    /// Everything that survives a restart of the sandbox (`SandboxWorld` state file):
    /// the organisation, its domains (verification code, verified flags, DKIM keys),
    /// users, issued access tokens and the id generator, so ids stay unique across runs.
    struct Persisted: Codable, Sendable, Equatable {
        var region: ZohoRegion
        var zoid: Int64
        var domains: [String: DomainState] = [:]
        var users: [Int64: UserState] = [:]
        /// access token -> expiry (seconds since 1970).
        var tokens: [String: Double] = [:]
        var tokenIssues = 0
        var next: Int64
    }

    let region: ZohoRegion
    let dns: DNSView
    let zoid: Int64
    /// Behind a lock as well as the actor, so the world can save it synchronously
    /// (`RunningService.exportState`) while the actor keeps check-and-insert atomic.
    private let store: Locked<Persisted>
    var domains: [String: DomainState] { store.value.domains }
    var users: [Int64: UserState] { store.value.users }
    var tokenIssues: Int { store.value.tokenIssues }

    /// A restored organisation keeps its domains, users and ids; region and zoid are
    /// always the ones given (the seed decides which organisation the emulator is).
    init(region: ZohoRegion, dns: DNSView, zoid: Int64, seed: UInt64, restoring saved: Persisted? = nil) {
        self.region = region
        self.dns = dns
        self.zoid = zoid
        // Ids above 2^53, as real ones are (§2.2).
        var persisted = saved ?? Persisted(region: region, zoid: zoid, next: 2_560_636_000_000_008_000 + Int64(seed % 1000))
        persisted.region = region
        persisted.zoid = zoid
        self.store = Locked(persisted)
    }

    /// The persisted part, readable from any thread.
    nonisolated func snapshot() -> Persisted { store.value }

    func nextID() -> Int64 { store.withValue { $0.next += 1; return $0.next } }

    func issueToken(lifetime: Double) -> String {
        store.withValue { p in
            p.tokenIssues += 1
            let t = "1000.\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()).\(p.tokenIssues)"
            p.tokens[t] = Date().timeIntervalSince1970 + lifetime
            return t
        }
    }

    func tokenValid(_ t: String) -> Bool { (store.value.tokens[t] ?? 0) > Date().timeIntervalSince1970 }
    func expireAllTokens() { store.withValue { p in for k in p.tokens.keys { p.tokens[k] = 0 } } }

    func addDomain(_ name: String) -> DomainState? {
        let n = DomainName.normalize(name)
        if domains[n] != nil { return nil }
        let d = DomainState(name: n, id: nextID(), code: Int(nextID() % 90_000_000) + 10_000_000,
                            created: Int64(Date().timeIntervalSince1970 * 1000))
        store.withValue { $0.domains[n] = d }
        return d
    }

    func domain(_ name: String) -> DomainState? { domains[DomainName.normalize(name)] }
    /// Applies one mode's change inside one actor turn, so concurrent requests never lose updates.
    @discardableResult
    func mutateDomain(_ name: String, _ body: (inout DomainState) -> Void) -> DomainState? {
        let n = DomainName.normalize(name)
        return store.withValue { p in
            guard var d = p.domains[n] else { return nil }
            body(&d)
            p.domains[n] = d
            return d
        }
    }

    /// Nil when the selector exists already (checked and inserted in one turn).
    func addDKIM(_ name: String, selector: String, publicKey: String) -> (DomainState, DKIMState)? {
        let n = DomainName.normalize(name)
        guard var d = domains[n], !d.dkim.contains(where: { $0.selector == selector }) else { return nil }
        let k = DKIMState(id: nextID(), selector: selector, publicKey: publicKey)
        d.dkim.append(k)
        store.withValue { $0.domains[n] = d }
        return (d, k)
    }
    func removeDomain(_ name: String) { store.withValue { $0.domains[DomainName.normalize(name)] = nil } }

    // MARK: verification, only from the world's DNS view

    func txtVerified(_ d: DomainState) async -> Bool {
        let want = ZohoVerificationTXT(code: "zb\(d.code)", dataCentre: region.rawValue)
        return await dns.lookup(d.name, .TXT).contains { ZohoVerificationTXT($0.value) == want }
    }

    func mxVerified(_ d: DomainState) async -> Bool {
        let hosts = await dns.lookup(d.name, .MX).map(\.value)
        return hosts.contains("mx.zoho.\(region.rawValue)")
    }

    /// "Record contains my include", so a merged Mailgun+Zoho SPF passes (§3.3).
    func spfVerified(_ d: DomainState) async -> Bool {
        await dns.lookup(d.name, .TXT).contains { r in
            let words = r.value.lowercased().split(separator: " ")
            return words.first == "v=spf1" && words.contains("include:\(region.spfInclude)")
        }
    }

    func dkimVerified(_ d: DomainState, _ k: DKIMState) async -> Bool {
        func squash(_ s: String) -> String { s.filter { !$0.isWhitespace && $0 != "\"" } }
        return await dns.lookup("\(k.selector)._domainkey.\(d.name)", .TXT).contains { squash($0.value) == squash(k.publicKey) }
    }

    // MARK: users

    func addUser(address: String, first: String?, last: String?, display: String?, role: String) -> UserState? {
        let a = address.lowercased()
        if users.values.contains(where: { $0.address == a }) { return nil }
        let u = UserState(zuid: nextID(), accountId: nextID(), address: a, firstName: first, lastName: last,
                          displayName: display, role: role)
        store.withValue { $0.users[u.zuid] = u }
        return u
    }

    func setUser(_ u: UserState) { store.withValue { $0.users[u.zuid] = u } }
    func removeUser(zuid: Int64) -> Bool { store.withValue { $0.users.removeValue(forKey: zuid) != nil } }
}
