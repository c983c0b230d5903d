/// What a plan action touches: one resource of one domain.
///
/// The identity is unique within a (domain, kind): a record's canonical key,
/// a mailbox's local part, or "" for a resource a domain has at most one of.
public struct ResourceAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var domain: String
    public var kind: ResourceKind
    public var identity: String

    public init(domain: String, kind: ResourceKind, identity: String = "") {
        self.domain = domain
        self.kind = kind
        self.identity = identity
    }

    /// `acme-mail.com/dnsRecord/_dmarc TXT v=DMARC1; p=none` — stable, used in
    /// action ids, journals and fingerprints.
    public var description: String { "\(domain)/\(kind.rawValue)/\(identity)" }

    public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool {
        (a.domain, a.kind.rank, a.identity) < (b.domain, b.kind.rank, b.identity)
    }
}

/// Resource kinds in dependency order: a kind never depends on a later one,
/// so sorting by rank is also a readable order for a plan.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case registrarDomain
    case nameservers
    case zone
    case mailgunDomain
    case zohoDomain
    case dnsRecord
    case webForward
    case mailgunCredential
    case mailgunWebhook
    case mailgunRoute
    case zohoUser

    public var rank: Int { ResourceKind.allCases.firstIndex(of: self)! }

    /// Short label for renderers.
    public var label: String {
        switch self {
        case .registrarDomain: "registrar domain"
        case .nameservers: "nameservers"
        case .zone: "zone"
        case .mailgunDomain: "mailgun domain"
        case .zohoDomain: "zoho domain"
        case .dnsRecord: "record"
        case .webForward: "web forward"
        case .mailgunCredential: "mailgun credential"
        case .mailgunWebhook: "mailgun webhook"
        case .mailgunRoute: "mailgun route"
        case .zohoUser: "zoho user"
        }
    }
}
