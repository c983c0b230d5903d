import DNSRecords

/// A record of a type the fleet does not manage (ALIAS, URL forwarding, SRV…).
/// Observed so it can be shown, preserved on whole-zone writes, and deleted
/// explicitly when it is a registrar's parking default (registrars.md Part C.4–5).
public struct ForeignRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Fully qualified, lower-cased, no trailing dot.
    public var name: String
    /// The provider's type word, upper-cased (`ALIAS`, `URL`, `SRV`…).
    public var type: String
    public var ttl: Int
    public var priority: Int?
    public var value: String

    public init(name: String, type: String, ttl: Int, priority: Int? = nil, value: String) {
        self.name = DomainName.normalize(name)
        self.type = type.uppercased()
        self.ttl = ttl
        self.priority = priority
        self.value = value
    }

    public var description: String { "\(name) \(ttl) \(type) \(priority.map { "\($0) " } ?? "")\(value)" }
}

/// One domain's zone as a provider reports it, already mapped to canonical
/// names and values, with provider-owned rows (Porkbun's apex NS) left out.
public struct ObservedZone: Sendable, Hashable, Codable {
    public var domain: String
    public var records: [DNSRecord]
    public var foreign: [ForeignRecord]
    /// Records that are the registrar's defaults on a freshly bought domain
    /// (parking, forwarding); the plan deletes them explicitly.
    public var registrarDefaults: [RecordRef]
    /// The registrar's URL forwards, sorted by host. The rows a registrar keeps
    /// to serve them (Porkbun's ALIAS/CNAME to its forwarding host, Namecheap's
    /// URL301/URL rows) belong to the forward: they are in neither `records`
    /// nor `foreign`, so the record diff never sees, keeps or deletes them.
    public var forwards: [WebForward]

    public init(domain: String, records: [DNSRecord], foreign: [ForeignRecord] = [], registrarDefaults: [RecordRef] = [],
                forwards: [WebForward] = []) {
        self.domain = DomainName.normalize(domain)
        self.records = records.sorted { $0.key < $1.key }
        self.foreign = foreign.sorted { ($0.name, $0.type, $0.value) < ($1.name, $1.type, $1.value) }
        self.registrarDefaults = registrarDefaults
        self.forwards = forwards.sorted { ($0.host, $0.location) < ($1.host, $1.location) }
    }

    private enum CodingKeys: String, CodingKey { case domain, records, foreign, registrarDefaults, forwards }

    /// Observations cached before forwards were read decode with none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(domain: try c.decode(String.self, forKey: .domain), records: try c.decode([DNSRecord].self, forKey: .records),
                  foreign: try c.decode([ForeignRecord].self, forKey: .foreign),
                  registrarDefaults: try c.decode([RecordRef].self, forKey: .registrarDefaults),
                  forwards: try c.decodeIfPresent([WebForward].self, forKey: .forwards) ?? [])
    }

    public var keys: Set<RecordKey> { Set(records.map(\.key)) }
}

/// Either kind of record, for change sets and default lists.
public enum RecordRef: Sendable, Hashable, Codable, CustomStringConvertible {
    case managed(DNSRecord)
    case foreign(ForeignRecord)

    public var description: String {
        switch self {
        case .managed(let r): return r.description
        case .foreign(let f): return f.description
        }
    }
}

/// What to change in one zone. `update` pairs an observed record with its
/// replacement (value or TTL change); providers with per-record writes edit
/// in place, whole-zone providers merge everything into one write.
/// Records not mentioned are left exactly as they are.
public struct RecordChangeSet: Sendable, Hashable, Codable {
    public struct Update: Sendable, Hashable, Codable {
        public var from: DNSRecord
        public var to: DNSRecord
        public init(from: DNSRecord, to: DNSRecord) { self.from = from; self.to = to }
    }

    public var domain: String
    public var create: [DNSRecord]
    public var update: [Update]
    public var delete: [DNSRecord]
    public var deleteForeign: [ForeignRecord]
    /// Forwards to have after the change: whatever forwards at their hosts now
    /// is replaced (no registrar edits one in place).
    public var setForwards: [WebForward]
    /// Hosts (`@`, `www`) whose forward goes.
    public var removeForwards: [String]

    public init(domain: String, create: [DNSRecord] = [], update: [Update] = [], delete: [DNSRecord] = [],
                deleteForeign: [ForeignRecord] = [], setForwards: [WebForward] = [], removeForwards: [String] = []) {
        self.domain = DomainName.normalize(domain)
        self.create = create
        self.update = update
        self.delete = delete
        self.deleteForeign = deleteForeign
        self.setForwards = setForwards
        self.removeForwards = removeForwards
    }

    public var isEmpty: Bool {
        create.isEmpty && update.isEmpty && delete.isEmpty && deleteForeign.isEmpty && setForwards.isEmpty && removeForwards.isEmpty
    }

    /// Every host whose forwarding this change touches.
    public var forwardHosts: Set<String> { Set(setForwards.map(\.host) + removeForwards) }

    /// The change set that turns `observed` into exactly `desired` for the
    /// managed records (foreign records untouched), with TTLs compared as the
    /// provider stores them so normalised TTLs never show up as a change.
    public static func between(observed: ObservedZone, desired: [DNSRecord],
                               capabilities: ProviderCapabilities) -> RecordChangeSet {
        var byKey: [RecordKey: DNSRecord] = [:]
        for r in observed.records { byKey[r.key] = r }
        var want: [RecordKey: DNSRecord] = [:]
        for r in desired { want[r.key] = r }
        var set = RecordChangeSet(domain: observed.domain)
        for (k, r) in want.sorted(by: { $0.key < $1.key }) {
            if let have = byKey[k] {
                if capabilities.comparableTTL(have.ttl) != capabilities.comparableTTL(r.ttl) {
                    set.update.append(Update(from: have, to: r))
                }
            } else {
                set.create.append(r)
            }
        }
        for (k, r) in byKey.sorted(by: { $0.key < $1.key }) where want[k] == nil { set.delete.append(r) }
        return set
    }
}
