/// How a registrar's DNS stores records, so its normalisations never show
/// up as drift.
public struct ZoneRules: Sendable, Hashable, Codable {
    /// TTLs below this are raised by the provider: a desired TTL under it
    /// compares equal to it. Porkbun: 600 (providers/registrars.md A,
    /// "minimum and default 600").
    public var minimumTTL: Int?
    /// TTLs the provider reads back for another: Namecheap's "Automatic"
    /// reads back as 1799 for 1800 (registrars.md B, setHosts `TTL`).
    public var ttlReadBack: [Int: Int]
    /// The provider replaces the whole zone on every write (Namecheap
    /// setHosts): a domain's record actions run as one batch whose write set
    /// is the kept unmanaged records plus the desired ones.
    public var wholeZoneWrite: Bool
    /// A domain's record actions run as one provider call (one batch) even
    /// where the provider writes record by record: on Porkbun (1 request/s)
    /// that is one zone read per domain instead of one per record. A failure
    /// then fails that domain's record changes together; other domains go
    /// on, and the next run converges.
    public var batchPerZone: Bool

    public init(minimumTTL: Int? = nil, ttlReadBack: [Int: Int] = [:], wholeZoneWrite: Bool = false,
                batchPerZone: Bool? = nil) {
        self.minimumTTL = minimumTTL
        self.ttlReadBack = ttlReadBack
        self.wholeZoneWrite = wholeZoneWrite
        self.batchPerZone = batchPerZone ?? wholeZoneWrite
    }

    public static let porkbun = ZoneRules(minimumTTL: 600)
    public static let namecheap = ZoneRules(minimumTTL: 60, ttlReadBack: [1799: 1800], wholeZoneWrite: true)

    /// The TTL a desired value will read back as.
    public func effective(desiredTTL ttl: Int) -> Int { max(ttl, minimumTTL ?? ttl) }

    /// The TTL an observed value stands for.
    public func effective(observedTTL ttl: Int) -> Int { ttlReadBack[ttl] ?? ttl }
}
