import DNSRecords

/// What a DNS provider can do, declared up front in the spirit of DNSControl's
/// capability flags, so the planner can refuse or adapt before any write.
public struct ProviderCapabilities: Sendable, Hashable, Codable {
    public enum WriteGranularity: String, Sendable, Hashable, Codable {
        /// Each record is created, edited or deleted on its own (Porkbun).
        case perRecord
        /// Every write replaces the whole zone (Namecheap setHosts, registrars.md B2).
        case wholeZone
    }

    public var writes: WriteGranularity
    /// TTLs below this are stored as this value.
    public var minimumTTL: Int
    public var maximumTTL: Int?
    /// TTL the provider reports for its "automatic" setting, treated as equal to `automaticTTLMeans`.
    public var automaticTTL: Int?
    public var automaticTTLMeans: Int?
    public var supportedTypes: Set<RecordType>
    /// NS records at the apex are provider-owned and never written.
    public var apexNSManaged: Bool
    /// Record types that exist in the dashboard but cannot be read or written by
    /// the API; a whole-zone write would destroy them (Namecheap SRV, B3).
    public var invisibleTypes: Set<String>
    /// The registrar's URL forwarding can be told whether to keep the request
    /// path (Porkbun `includePath`); without it (Namecheap) `path: drop` is refused.
    public var forwardPathChoice: Bool

    public init(writes: WriteGranularity, minimumTTL: Int, maximumTTL: Int? = nil, automaticTTL: Int? = nil,
                automaticTTLMeans: Int? = nil, supportedTypes: Set<RecordType>, apexNSManaged: Bool = false,
                invisibleTypes: Set<String> = [], forwardPathChoice: Bool = false) {
        self.writes = writes
        self.minimumTTL = minimumTTL
        self.maximumTTL = maximumTTL
        self.automaticTTL = automaticTTL
        self.automaticTTLMeans = automaticTTLMeans
        self.supportedTypes = supportedTypes
        self.apexNSManaged = apexNSManaged
        self.invisibleTypes = invisibleTypes
        self.forwardPathChoice = forwardPathChoice
    }

    /// The TTL as the provider will store and report it, for drift comparison:
    /// Porkbun raises anything below 600 to 600 (A3), Namecheap's automatic 1799
    /// means 1800 (Part C.3).
    public func comparableTTL(_ ttl: Int) -> Int {
        var t = max(ttl, minimumTTL)
        if let m = maximumTTL { t = min(t, m) }
        if let a = automaticTTL, let means = automaticTTLMeans, t == a { t = means }
        return t
    }

    public func supports(_ record: DNSRecord, zone: String) -> Bool {
        guard supportedTypes.contains(record.type) else { return false }
        if record.type == .NS && record.name == DomainName.normalize(zone) { return apexNSManaged }
        return true
    }
}
