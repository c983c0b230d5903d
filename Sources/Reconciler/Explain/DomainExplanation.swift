import Foundation
import Inventory

/// `reconcile explain DOMAIN`: every desired record and resource of one
/// domain with the inventory settings behind it, what the providers hold,
/// and why the tool does or does not manage it. A value (JSON with
/// `--format json`); `ExplainTextRenderer` prints it for a person.
public struct DomainExplanation: Sendable, Hashable, Codable {
    public var domain: String
    public var group: String
    public var role: DomainRole
    public var inbound: InboundMode
    /// The domain's entry in the inventory.
    public var entry: SettingOrigin
    /// When the zone was read (nil: not read), and whether from the observation cache.
    public var observedAt: Date?
    public var fromCache: Bool?
    /// Why nothing could be planned for the domain (not at its registrar, a provider unreadable).
    public var blocked: String?
    /// The plan's warnings for the domain (what it cannot fix by itself).
    public var warnings: [String]
    /// DNS records: desired ones first, then what the zone holds besides them.
    public var records: [ExplainedItem]
    /// Registration, nameservers, Mailgun domain, credentials, webhooks, routes, Zoho domain and users, web forwards.
    public var resources: [ExplainedItem]

    public init(domain: String, group: String, role: DomainRole, inbound: InboundMode, entry: SettingOrigin,
                observedAt: Date? = nil, fromCache: Bool? = nil, blocked: String? = nil, warnings: [String] = [],
                records: [ExplainedItem] = [], resources: [ExplainedItem] = []) {
        self.domain = domain
        self.group = group
        self.role = role
        self.inbound = inbound
        self.entry = entry
        self.observedAt = observedAt
        self.fromCache = fromCache
        self.blocked = blocked
        self.warnings = warnings
        self.records = records
        self.resources = resources
    }
}

/// One record or resource, as the inventory wants it and as it is.
public struct ExplainedItem: Sendable, Hashable, Codable {
    /// `ResourceKind` raw value (`dnsRecord`, `mailgunDomain`, …).
    public var kind: String
    /// `@ MX 10 mx.zoho.eu`, `alice@acme-mail.de`, `delivered`.
    public var identity: String
    /// What the inventory wants, nil for what it does not name.
    public var desired: String?
    /// What the provider holds; nil when it holds nothing (or was not read: see `status`).
    public var observed: String?
    public var status: ExplainStatus
    public var management: Management
    /// Why, in a sentence.
    public var reason: String
    /// The settings behind the desired value, the most specific first.
    public var origins: [SettingOrigin]

    public init(kind: String, identity: String, desired: String?, observed: String?, status: ExplainStatus,
                management: Management, reason: String, origins: [SettingOrigin] = []) {
        self.kind = kind
        self.identity = identity
        self.desired = desired
        self.observed = observed
        self.status = status
        self.management = management
        self.reason = reason
        self.origins = origins
    }
}

/// How the item compares with what was observed, in the plan's words.
public enum ExplainStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// As declared.
    case inSync = "in-sync"
    case create, update, delete
    /// A step that only observes is planned (verification pending DNS, a wait).
    case pending
    /// Differs, and the plan cannot change it (a registrar API that cannot set auto-renew): see the reason.
    case differs
    /// Absent, as a retired domain wants.
    case absent
    /// Present and never touched: not the tool's.
    case leftAlone = "left-alone"
    /// The provider could not be read, or the value is not planned yet.
    case unknown

    /// The plan's symbol, or `=` in sync, `·` left alone.
    public var symbol: String {
        switch self {
        case .inSync: "="
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        case .pending: "?"
        case .differs: "≠"
        case .absent: "="
        case .leftAlone: "·"
        case .unknown: "!"
        }
    }
}

/// Why the tool does (or does not) manage the item.
public enum Management: String, Sendable, Hashable, Codable, CaseIterable {
    /// The inventory declares it (compiled from its settings).
    case declared
    /// Not in the inventory, but the tool created it (ownership in the state store): removed.
    case owned
    /// Not the tool's, but it takes the one slot a declared record needs (a second SPF, DMARC or DKIM).
    case competing
    /// The registrar's parking or forwarding default on a fresh domain: removed.
    case registrarDefault = "registrar-default"
    /// Neither declared nor created by the tool: left alone.
    case unmanaged
    /// A record type the fleet does not manage (ALIAS, URL, SRV…): left alone.
    case foreignType = "foreign-type"
}
