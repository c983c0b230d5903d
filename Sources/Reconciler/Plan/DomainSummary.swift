import DNSRecords
import Inventory

extension DomainRole {
    /// Active and spare domains receive mail, so removing their MX is refused.
    public var receivesMail: Bool { self != .retired }
}

/// What a plan knows about a domain besides its actions: what is kept
/// untouched, what could not be read, and the counts safety checks use.
public struct DomainSummary: Sendable, Hashable, Codable {
    public var domain: String
    public var role: DomainRole
    /// Records the tool manages that exist now (declared or created by us).
    public var managedRecords: Int
    /// MX records observed now, managed or not.
    public var observedMX: Int
    /// Records neither declared nor created by the tool: never changed.
    public var unmanagedKept: [DNSRecord]
    /// Records of types the fleet does not manage (ALIAS, URL, SRV…), as the
    /// registrar shows them: kept too. Nil when there are none.
    public var foreignKept: [String]?
    /// Set when the domain could not be planned ("not in account: register it first").
    public var blocked: String?
    /// A PR-scoped plan did not read this domain (its inventory is unchanged).
    public var notRead: Bool

    public init(domain: String, role: DomainRole = .active, managedRecords: Int = 0, observedMX: Int = 0,
                unmanagedKept: [DNSRecord] = [], blocked: String? = nil, notRead: Bool = false) {
        self.domain = domain
        self.role = role
        self.managedRecords = managedRecords
        self.observedMX = observedMX
        self.unmanagedKept = unmanagedKept.sorted { $0.key < $1.key }
        self.blocked = blocked
        self.notRead = notRead
    }
}
