/// What an action does to its resource. The raw order is octoDNS's
/// (deletes, creates, updates) followed by the steps that only observe.
public enum Operation: String, Sendable, Hashable, Codable, CaseIterable {
    case delete, create, update, verify, wait

    var rank: Int { Operation.allCases.firstIndex(of: self)! }

    /// The plan's symbol: `+ ~ -` as Terraform and octoDNS print them.
    public var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        case .verify: "?"
        case .wait: "…"
        }
    }

    /// Changes a provider's state (verify and wait only ask).
    public var isChange: Bool { self == .create || self == .update || self == .delete }
}

/// A stable action identifier: `create:acme.com/dnsRecord/_dmarc TXT …`.
public struct ActionID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(_ operation: Operation, _ address: ResourceAddress) {
        self.rawValue = "\(operation.rawValue):\(address)"
    }
    public var description: String { rawValue }
    public static func < (a: ActionID, b: ActionID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// One step of a plan, as a small value (octoDNS's Create/Update/Delete).
public struct PlanAction: Sendable, Hashable, Codable, Identifiable {
    public var id: ActionID
    public var operation: Operation
    public var address: ResourceAddress
    public var before: ResourceState?
    public var after: ResourceState?
    /// Actions that must succeed first. References in `after` are added
    /// automatically (an output can only be read once its action ran).
    public var dependsOn: [ActionID]
    /// Actions with the same batch run as one provider call (every record
    /// change of a zone on a whole-zone-write registrar such as Namecheap).
    public var batch: String?
    /// The observed resource whose state this action was planned from; its
    /// hash goes into the plan fingerprint (a zone for record actions).
    public var observed: ResourceAddress
    /// Why, for the reader: "retired domain", "verification pending DNS".
    public var note: String?
    /// Deletes or rewrites a registrar's default record on a freshly bought
    /// domain (parking, forwarding): expected, so not counted as destructive.
    public var registrarDefault: Bool?

    public init(_ operation: Operation, _ address: ResourceAddress,
                before: ResourceState? = nil, after: ResourceState? = nil,
                dependsOn: [ActionID] = [], batch: String? = nil,
                observed: ResourceAddress? = nil, note: String? = nil) {
        self.id = ActionID(operation, address)
        self.operation = operation
        self.address = address
        self.before = before
        self.after = after
        let refs = after?.references.map(\.action) ?? []
        self.dependsOn = Array(Set(dependsOn + refs)).sorted()
        self.batch = batch
        self.observed = observed ?? address
        self.note = note
    }

    /// The deterministic total order: by domain; changes before the steps
    /// that only observe (verify, wait); then resource kind in dependency
    /// order, then operation (deletes, creates, updates — octoDNS's change
    /// ordering), then identity.
    static func planOrder(_ a: PlanAction, _ b: PlanAction) -> Bool {
        (a.address.domain, a.operation.isChange ? 0 : 1, a.address.kind.rank, a.operation.rank, a.address.identity)
            < (b.address.domain, b.operation.isChange ? 0 : 1, b.address.kind.rank, b.operation.rank, b.address.identity)
    }

    /// Attributes whose values differ between before and after (update), sorted.
    public var changedAttributes: [String] {
        let b = before?.attributes ?? [:], a = after?.attributes ?? [:]
        return Set(b.keys).union(a.keys).filter { b[$0] != a[$0] }.sorted()
    }
}
