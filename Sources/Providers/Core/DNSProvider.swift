import DNSRecords

/// The registrar side of a provider: domains, registration facts, delegation.
public protocol RegistrarProvider: Sendable {
    /// The account's API name (`porkbun`, `namecheap`).
    var name: String { get }
    /// The nameservers that mean "the registrar's DNS serves this zone".
    var registrarNameservers: [String] { get }
    /// The apex NS records the registrar's servers publish inside the zone
    /// (what a DNS check sees there); usually `registrarNameservers`.
    var zoneApexNameservers: [String] { get }
    /// Every domain in the account with its registration facts (all pages).
    func listDomains() async throws(ProviderError) -> [RegistrarDomain]
    /// Where `domain` is delegated now.
    func delegation(of domain: String) async throws(ProviderError) -> Delegation
    /// Points `domain` back at the registrar's own DNS (Porkbun updateNs with its
    /// four names, Namecheap setDefault).
    func useRegistrarDNS(_ domain: String) async throws(ProviderError)
    /// Whether the API can turn a registration's auto-renew on and off
    /// (Porkbun can; Namecheap's API has no domain-level call for it).
    var canSetAutoRenew: Bool { get }
    func setAutoRenew(_ domain: String, _ on: Bool) async throws(ProviderError)
}

extension RegistrarProvider {
    public var zoneApexNameservers: [String] { registrarNameservers }
    public var canSetAutoRenew: Bool { false }
    public func setAutoRenew(_ domain: String, _ on: Bool) async throws(ProviderError) {
        throw ProviderError(kind: .unsupported, provider: name, operation: "setAutoRenew", domain: domain,
                            message: "\(name)'s API cannot set auto-renew", redactor: Redactor(secrets: []))
    }
}

/// The DNS side: read a zone, apply changes to it.
public protocol DNSZoneProvider: Sendable {
    var capabilities: ProviderCapabilities { get }
    /// The zone as the provider has it now (provider-owned rows removed).
    func zone(_ domain: String) async throws(ProviderError) -> ObservedZone
    /// Applies `changes` and returns the zone as re-read afterwards. Records not
    /// named in `changes` are preserved — for whole-zone providers by
    /// read-merge-write. Safe to call again after a failure: it converges and
    /// never duplicates a record.
    func apply(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone
}

/// A registrar that also hosts the zone (both Porkbun and Namecheap).
public protocol RegistrarDNSProvider: RegistrarProvider, DNSZoneProvider {}
