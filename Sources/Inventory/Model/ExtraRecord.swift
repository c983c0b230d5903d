import DNSRecords

/// A record the operator adds by hand (defaults or per domain). `name` is
/// relative to the domain (`@` or empty for the apex, `www`, `_x.sub`).
public struct ExtraRecord: Sendable, Hashable, Codable {
    public var name: String
    public var type: RecordType
    /// nil: the fleet's default TTL.
    public var ttl: Int?
    /// MX only.
    public var priority: Int?
    public var value: String
    public var location: SourceLocation

    public init(name: String, type: RecordType, ttl: Int? = nil, priority: Int? = nil, value: String, location: SourceLocation = .builtIn) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.priority = priority
        self.value = value
        self.location = location
    }

    /// The record inside `domain`, with `defaultTTL` when none was given.
    public func record(in domain: String, defaultTTL: Int) -> DNSRecord {
        DNSRecord(name: DomainName.absolute(name, zone: domain), type: type, ttl: ttl ?? defaultTTL,
                  priority: priority, value: value)
    }
}
