import DNSRecords

/// A record the inventory wants. Its value may be known only after another
/// action runs (the DKIM key Mailgun generates when the domain is created).
public struct TargetRecord: Sendable, Hashable {
    public var name: String
    public var type: RecordType
    public var ttl: Int
    public var priority: Int?
    public var value: PlanValue

    public init(name: String, type: RecordType, ttl: Int, priority: Int? = nil, value: PlanValue) {
        self.name = DomainName.normalize(name)
        self.type = type
        self.ttl = ttl
        self.priority = priority
        self.value = value
    }

    public init(_ record: DNSRecord) {
        self.init(name: record.name, type: record.type, ttl: record.ttl, priority: record.priority,
                  value: .string(record.value))
    }

    /// The canonical record, when the value is known.
    public var record: DNSRecord? {
        guard case .string(let v) = value else { return nil }
        return DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: v)
    }

    var state: ResourceState {
        if let record { return ResourceState(record: record) }
        var a: [String: PlanValue] = ["name": .string(name), "type": .string(type.rawValue),
                                      "ttl": .int(ttl), "value": value]
        if let priority { a["priority"] = .int(priority) }
        return ResourceState(a)
    }
}
