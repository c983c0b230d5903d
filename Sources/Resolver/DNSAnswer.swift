import DNSRecords

/// One question: a name and a record type.
public struct DNSQuestion: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: RecordType

    public init(_ name: String, _ type: RecordType) {
        self.name = DomainName.normalize(name)
        self.type = type
    }

    public var description: String { "\(name) \(type.rawValue)" }
}

/// What the servers said. Only `records` and `nxdomain` are facts about the
/// zone; `unknown` (SERVFAIL, REFUSED, a timeout, a malformed answer) means
/// the question could not be answered and must never be read as "missing".
public enum DNSAnswer: Sendable, Hashable {
    /// NOERROR; an empty list is NODATA (the name exists, the type does not).
    case records([DNSRecord])
    case nxdomain
    /// Why, per server asked, e.g. "127.0.0.1:53: SERVFAIL".
    case unknown(String)

    /// The records, with NXDOMAIN as none; nil when unknown.
    public var known: [DNSRecord]? {
        switch self {
        case .records(let r): r
        case .nxdomain: []
        case .unknown: nil
        }
    }
}
