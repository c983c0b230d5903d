/// One DNS resource record in canonical form.
///
/// `name` is a fully qualified, lower-cased name without a trailing dot
/// (`acme-mail.com`, `mx._domainkey.acme-mail.com`); providers map it to
/// their own relative or absolute forms. `value` is canonical per type:
/// host targets (CNAME, MX, NS) lower-cased without trailing dot; TXT is one
/// logical string (chunking into 255-byte strings happens on the wire only).
public struct DNSRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var type: RecordType
    public var ttl: Int
    /// MX preference; nil for every other type.
    public var priority: Int?
    public var value: String

    public init(name: String, type: RecordType, ttl: Int, priority: Int? = nil, value: String) {
        self.name = DomainName.normalize(name)
        self.type = type
        self.ttl = ttl
        self.priority = priority
        self.value = DNSRecord.canonicalValue(value, type: type)
    }

    /// Identity for diffing: two records with the same key are "the same record"
    /// whose TTL may differ. TXT and MX compare values without case only where
    /// DNS itself ignores case (host names).
    public var key: RecordKey { RecordKey(name: name, type: type, priority: priority, value: value) }

    public var description: String {
        let prio = priority.map { "\($0) " } ?? ""
        return "\(name) \(ttl) \(type.rawValue) \(prio)\(type == .TXT ? "\"\(value)\"" : value)"
    }

    static func canonicalValue(_ value: String, type: RecordType) -> String {
        switch type {
        case .CNAME, .MX, .NS: return DomainName.normalize(value)
        case .A, .AAAA: return value.trimmingWhitespace().lowercased()
        case .TXT, .CAA: return value
        }
    }
}

public struct RecordKey: Sendable, Hashable, Codable, Comparable {
    public var name: String
    public var type: RecordType
    public var priority: Int?
    public var value: String

    /// The fields as given (a key read back from storage is already canonical).
    public init(name: String, type: RecordType, priority: Int?, value: String) {
        self.name = name; self.type = type; self.priority = priority; self.value = value
    }

    public static func < (a: RecordKey, b: RecordKey) -> Bool {
        (a.name, a.type.rawValue, a.priority ?? -1, a.value) < (b.name, b.type.rawValue, b.priority ?? -1, b.value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        // Fast path: most names and values arrive already trimmed.
        if let f = utf8.first, let l = utf8.last, f > 0x20, f < 0x80, l > 0x20, l < 0x80 { return self }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
