import DNSRecords
import Inventory
import Providers
import Store

/// What one domain should publish, as `reconcile check` compares it with
/// DNS: the compiler's records with the provider-generated values (DKIM
/// keys, the Zoho verification code) as last observed, the delegation, and
/// the web forwards.
public struct ExpectedZone: Sendable, Hashable {
    public struct Record: Sendable, Hashable {
        public var purpose: DesiredRecord.Purpose
        public var record: DNSRecord

        public init(_ purpose: DesiredRecord.Purpose, _ record: DNSRecord) {
            self.purpose = purpose
            self.record = record
        }
    }

    public var domain: String
    public var group: String
    public var role: DomainRole
    public var records: [Record]
    /// Records whose value exists only after an apply that has not run yet.
    public var pending: [DesiredRecord]
    /// The delegation: the servers `check` asks without `--nameserver`.
    public var nameservers: [String]
    /// The apex NS records those servers publish inside the zone (Porkbun's
    /// differ from the delegation's names: registrars.md A2).
    public var apexNameservers: [String]
    /// Set when the provider side could not be read: nothing to compare with.
    public var blocked: String?
    /// The region of the Mailgun domain that sends for it (its SPF include).
    public var mailgunRegion: MailgunRegion?
    /// Mailgun's last observed state of that domain (`active`, `unverified`,
    /// `disabled`; nil when never observed), for the sending preflight.
    public var mailgunState: String?
    /// The web forwards the registrar should serve (`web:`); `check` asks them over HTTP.
    public var web: [WebForward] = []

    public init(domain: String, group: String, role: DomainRole = .active, records: [Record], pending: [DesiredRecord] = [],
                nameservers: [String], apexNameservers: [String]? = nil, blocked: String? = nil) {
        self.domain = DomainName.normalize(domain)
        self.group = group
        self.role = role
        self.records = records
        self.pending = pending
        self.nameservers = Delegation.canonical(nameservers)
        self.apexNameservers = Delegation.canonical(apexNameservers ?? nameservers)
        self.blocked = blocked
    }
}

extension FleetPlanner {
    /// The expected zone of every domain in `scope`, from the observation
    /// cache: with a warm cache (after an apply) this makes no API call.
    /// Retired domains are left out (their records are being torn down).
    public func expectedZones(scope: Scope = .fleet) async throws -> [ExpectedZone] {
        let inScope = desired.domains.filter { scope.contains($0.name) && $0.role != .retired }
        let reader = CachedReader(cache: ObservationCache(store), policy: .none, now: now)
        let mail = try await MailObserver(accounts: providers.mail, reader: reader, concurrency: concurrency,
                                          journal: ApplyJournal(store)).observe(inScope)
        // The same resolution as a plan's, so check and plan never disagree
        // on what a value should be; the builder's actions are discarded.
        var scratch = PlanBuilder(inventoryHash: inventoryHash)
        return try inScope.map { d in
            let registrar = providers.registrars[d.registration.account]
            var zone = ExpectedZone(domain: d.name, group: d.group, role: d.role, records: [],
                                    nameservers: registrar?.registrarNameservers ?? [],
                                    apexNameservers: registrar?.zoneApexNameservers ?? [])
            zone.mailgunRegion = d.mailgun.region
            zone.mailgunState = mail.mailgun[zone.domain]?.value.domain?.state
            zone.web = d.web?.forwards ?? []
            let m = try scratch.addMail(d, observed: mail)
            if let why = m.blocked { zone.blocked = why; return zone }
            for r in d.presentRecords {
                switch r.value {
                case .known:
                    if let record = r.record { zone.records.append(.init(r.purpose, record)) }
                case .afterApply(let source):
                    if case .string(let v)? = m.resolve(source) {
                        zone.records.append(.init(r.purpose, DNSRecord(name: r.name, type: r.type, ttl: r.ttl,
                                                                      priority: r.priority, value: v)))
                    } else {
                        zone.pending.append(r)
                    }
                }
            }
            return zone
        }
    }
}
