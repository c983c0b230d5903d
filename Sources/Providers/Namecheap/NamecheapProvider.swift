import DNSRecords
import Foundation

/// Namecheap as the reconciler sees it: whole-zone writes through a strict
/// read-merge-write, so records the caller does not name survive every write
/// (registrars.md B2, B5).
public struct NamecheapProvider: RegistrarDNSProvider {
    public let client: NamecheapClient
    private let locks = KeyedLock()
    public var name: String { "namecheap" }
    public var registrarNameservers: [String] { NamecheapWire.defaultNameservers }

    public static let capabilities = ProviderCapabilities(
        writes: .wholeZone, minimumTTL: 60, maximumTTL: 60000, automaticTTL: 1799, automaticTTLMeans: 1800,
        supportedTypes: [.A, .AAAA, .CNAME, .MX, .TXT, .NS, .CAA], apexNSManaged: false,
        invisibleTypes: ["SRV", "TLSA"])
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// Whether a write is re-read and compared (the SDK's "concurrent modification" check, B5).
    public var verifyWrites = true

    public init(client: NamecheapClient) { self.client = client }

    public func listDomains() async throws(ProviderError) -> [RegistrarDomain] {
        try await client.listAllDomains().map { d in
            RegistrarDomain(name: d.name, expires: d.expires, autoRenew: d.autoRenew, locked: d.isLocked,
                            usesRegistrarDNS: d.isOurDNS, status: d.isExpired ? "EXPIRED" : "ACTIVE")
        }
    }

    public func delegation(of domain: String) async throws(ProviderError) -> Delegation {
        let (ns, ours) = try await client.getNameservers(domain)
        return Delegation(nameservers: ns, usesRegistrarDNS: ours)
    }

    public func useRegistrarDNS(_ domain: String) async throws(ProviderError) {
        try await client.setDefault(domain)
    }

    public func zone(_ domain: String) async throws(ProviderError) -> ObservedZone {
        observed(domain, try await client.getHosts(domain))
    }

    func observed(_ domain: String, _ hosts: NamecheapWire.Hosts) -> ObservedZone {
        var records: [DNSRecord] = [], foreign: [ForeignRecord] = [], defaults: [RecordRef] = [], forwards: [WebForward] = []
        for h in hosts.hosts {
            let ref = NamecheapRecordMapping.map(h, zone: domain)
            // The parking redirect stays a default the plan deletes; any other
            // URL301/URL row at the apex or www is a forward, not a record.
            if !NamecheapRecordMapping.isRegistrarDefault(ref, zone: domain), let f = NamecheapRecordMapping.forward(h) {
                forwards.append(f)
                continue
            }
            switch ref {
            case .managed(let r):
                if r.type == .NS && r.name == DomainName.normalize(domain) { continue }
                records.append(r)
            case .foreign(let f): foreign.append(f)
            }
            if NamecheapRecordMapping.isRegistrarDefault(ref, zone: domain) { defaults.append(ref) }
        }
        return ObservedZone(domain: domain, records: records, foreign: foreign, registrarDefaults: defaults, forwards: forwards)
    }

    public func apply(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone {
        let domain = changes.domain
        for r in changes.create + changes.update.map(\.to) where !capabilities.supports(r, zone: domain) {
            throw client.http.error(.unsupported, "apply", domain, nil, "Namecheap cannot manage \(r.type.rawValue) at \(r.name)")
        }
        let result: Result<ObservedZone, ProviderError> = await locks.withLock(domain) { () async -> Result<ObservedZone, ProviderError> in
            do throws(ProviderError) { return .success(try await merge(changes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Read → merge → write every row back → re-read and verify (B5). Never
    /// writes after a failed read: the read throws and nothing is sent.
    private func merge(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone {
        let domain = changes.domain
        let current = try await client.getHosts(domain)
        if let ddns = current.hosts.first(where: \.isDDNSEnabled) {
            // A whole-zone write would downgrade it to a plain A record (B3).
            throw client.http.error(.unsupported, "domains.dns.setHosts", domain, nil,
                                    "zone has a Dynamic DNS record at \(ddns.name); refusing a replace-all write")
        }
        typealias M = NamecheapRecordMapping
        var removing = Set<M.Identity>()
        for r in changes.delete + changes.update.map(\.from) { removing.insert(M.identity(M.host(r, zone: domain))) }
        for f in changes.deleteForeign { removing.insert(M.identity(M.host(f, zone: domain))) }
        var adding: [NamecheapWire.Host] = []
        for r in changes.update.map(\.to) + changes.create { adding.append(M.host(r, zone: domain)) }
        // Forwards travel in the same setHosts: the rows forwarding a touched host are replaced.
        adding += changes.setForwards.map(M.host)
        let addingIDs = Set(adding.map(M.identity))
        let forwardHosts = changes.forwardHosts

        var rows: [NamecheapWire.Host] = []
        var seen = Set<M.Identity>()
        for var h in current.hosts {
            let id = M.identity(h)
            if removing.contains(id) || addingIDs.contains(id) { continue }
            if M.forwardTypes[id.type] != nil, forwardHosts.contains(id.name) { continue }
            guard seen.insert(id).inserted else { continue }   // de-duplicate before writing (B3)
            h.hostId = nil
            rows.append(h)
        }
        for h in adding where seen.insert(M.identity(h)).inserted { rows.append(h) }

        let emailType = Self.emailType(current: current.emailType, rows: rows)
        try await client.setHosts(domain, hosts: rows, emailType: emailType)

        let after = try await client.getHosts(domain)
        if verifyWrites {
            let got = Set(after.hosts.map(M.identity))
            let want = Set(rows.map(M.identity))
            if got != want {
                let missing = want.subtracting(got).count, extra = got.subtracting(want).count
                throw client.http.error(.provider, "domains.dns.setHosts", domain, nil,
                                        "zone differs after write (\(missing) missing, \(extra) unexpected): concurrent modification?")
            }
        }
        return observed(domain, after)
    }

    /// MX rows are only stored with `EmailType=MX` (B2); OX/GMAIL zones keep
    /// their mode with provider MX rows; dropping the last MX must change the mode (B5).
    static func emailType(current: String?, rows: [NamecheapWire.Host]) -> String? {
        let hasMX = rows.contains { $0.type.uppercased() == "MX" }
        let mode = current?.uppercased()
        if hasMX { return mode == "OX" || mode == "GMAIL" ? current : "MX" }
        if mode == "MX" { return "NONE" }
        return current
    }
}
