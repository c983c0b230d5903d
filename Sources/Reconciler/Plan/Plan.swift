/// A plan: the sorted actions that take the observed fleet to the desired
/// one, what each domain keeps, and the fingerprint it was made from.
///
/// A value in the manner of octoDNS's `Plan`: counts, `checkSafety()`, and
/// renderers elsewhere. The JSON encoding is complete — `--out plans/X.json`
/// saves exactly this and `--apply plans/X.json` reads it back.
public struct Plan: Sendable, Hashable, Codable {
    public static let formatVersion = 1

    public var formatVersion: Int
    public var actions: [PlanAction]
    public var domains: [DomainSummary]
    public var fingerprint: PlanFingerprint
    /// Domains a registrar account holds that the inventory does not name:
    /// listed, never touched.
    public var unmanagedDomains: [String]
    /// In-scope domains that could not be read, by account and reason
    /// (`UnreadDomains`); empty when the plan is complete.
    public var unread: [UnreadDomains]
    /// What the plan cannot fix and a person must see (`PlanWarning`).
    public var warnings: [PlanWarning] = []

    /// Sorts, checks that dependencies name actions of this plan and form no
    /// cycle, and that ids are unique.
    public init(actions: [PlanAction], domains: [DomainSummary], fingerprint: PlanFingerprint,
                unmanagedDomains: [String] = [], unread: [UnreadDomains] = [], warnings: [PlanWarning] = []) throws(PlanError) {
        self.formatVersion = Plan.formatVersion
        self.actions = actions.sorted(by: PlanAction.planOrder)
        self.domains = domains.sorted { $0.domain < $1.domain }
        self.fingerprint = fingerprint
        self.unmanagedDomains = unmanagedDomains.sorted()
        self.unread = unread
        self.warnings = warnings.sorted { ($0.domain, $0.code, $0.text) < ($1.domain, $1.code, $1.text) }
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decode(Int.self, forKey: .formatVersion)
        guard formatVersion == Plan.formatVersion else {
            throw PlanError.unsupportedFormat(formatVersion)
        }
        actions = try c.decode([PlanAction].self, forKey: .actions)
        domains = try c.decode([DomainSummary].self, forKey: .domains)
        fingerprint = try c.decode(PlanFingerprint.self, forKey: .fingerprint)
        unmanagedDomains = try c.decodeIfPresent([String].self, forKey: .unmanagedDomains) ?? []
        unread = try c.decodeIfPresent([UnreadDomains].self, forKey: .unread) ?? []
        warnings = try c.decodeIfPresent([PlanWarning].self, forKey: .warnings) ?? []
        try validate()
    }

    enum CodingKeys: String, CodingKey { case formatVersion, actions, domains, fingerprint, unmanagedDomains, unread, warnings }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(actions, forKey: .actions)
        try c.encode(domains, forKey: .domains)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(unmanagedDomains, forKey: .unmanagedDomains)
        // Written only when incomplete: a complete plan's file is unchanged.
        if !unread.isEmpty { try c.encode(unread, forKey: .unread) }
        if !warnings.isEmpty { try c.encode(warnings, forKey: .warnings) }
    }

    public var hasChanges: Bool { !actions.isEmpty }

    public var counts: PlanCounts { PlanCounts(actions) }

    public func counts(for domain: String) -> PlanCounts {
        PlanCounts(actions.filter { $0.address.domain == domain })
    }

    /// Every domain with actions or a summary, sorted.
    public var domainNames: [String] {
        Array(Set(actions.map(\.address.domain)).union(domains.map(\.domain))).sorted()
    }

    public func summary(for domain: String) -> DomainSummary? {
        domains.first { $0.domain == domain }
    }

    /// Summaries by domain, for renderers and checks that visit every domain
    /// (`summary(for:)` in a loop would be quadratic on a 6000-domain fleet).
    var summariesByDomain: [String: DomainSummary] {
        Dictionary(domains.map { ($0.domain, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func action(_ id: ActionID) -> PlanAction? { actions.first { $0.id == id } }

    private func validate() throws(PlanError) {
        var ids = Set<ActionID>()
        for a in actions where !ids.insert(a.id).inserted { throw .duplicateAction(a.id) }
        for a in actions {
            for d in a.dependsOn where !ids.contains(d) { throw .unknownDependency(a.id, d) }
        }
        // Kahn's algorithm: anything left over sits on a cycle.
        var indegree = Dictionary(uniqueKeysWithValues: actions.map { ($0.id, $0.dependsOn.count) })
        var dependents: [ActionID: [ActionID]] = [:]
        for a in actions { for d in a.dependsOn { dependents[d, default: []].append(a.id) } }
        var ready = actions.filter { $0.dependsOn.isEmpty }.map(\.id)
        var done = 0
        while let id = ready.popLast() {
            done += 1
            for n in dependents[id] ?? [] {
                indegree[n]! -= 1
                if indegree[n] == 0 { ready.append(n) }
            }
        }
        if done != actions.count {
            throw .cycle(indegree.filter { $0.value > 0 }.keys.sorted())
        }
    }
}

public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    case duplicateAction(ActionID)
    case unknownDependency(ActionID, ActionID)
    case cycle([ActionID])
    case unsupportedFormat(Int)

    public var description: String {
        switch self {
        case .duplicateAction(let id): "plan has two actions \(id)"
        case .unknownDependency(let a, let d): "action \(a) depends on \(d), which is not in the plan"
        case .cycle(let ids): "actions depend on each other in a cycle: \(ids.map(\.rawValue).joined(separator: ", "))"
        case .unsupportedFormat(let v): "plan file format \(v) is not supported (expected \(Plan.formatVersion))"
        }
    }
}
