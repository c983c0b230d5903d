import Inventory
import DNSRecords

/// Assembles a plan from per-domain diffs and records, for the fingerprint,
/// the hash of every observed resource an action was planned from.
///
/// `FleetPlanner` feeds it what the adapters produce (desired state from the
/// inventory, observations from the providers or the cache), then calls
/// `build()`; applying a saved plan re-observes `plan.touchedResources` and
/// hashes them the same way (`ObservedHash`) to detect staleness.
public struct PlanBuilder: Sendable {
    public var inventoryHash: String
    var actions: [PlanAction] = []
    var summaries: [String: DomainSummary] = [:]
    var hashes: [ResourceAddress: String] = [:]
    /// Domains held at a registrar that the inventory does not name.
    public var unmanagedDomains: [String] = []
    /// Domains whose provider could not be read: domain → account and reason.
    var unreadDomains: [String: (account: String, reason: String)] = [:]
    var warnings: [PlanWarning] = []

    public init(inventoryHash: String) { self.inventoryHash = inventoryHash }

    /// Diffs a zone and adds its record actions and summary. `dependsOn` is
    /// added to every record action (the registrar domain being usable).
    @discardableResult
    public mutating func addZone(_ domain: String, role: DomainRole, rules: ZoneRules, desired: [TargetRecord],
                                 observed: [DNSRecord], owned: Set<RecordKey>,
                                 dependsOn: [ActionID] = [], observedHash: String? = nil) throws -> ZoneDiff {
        var diff = RecordDiff.diff(zone: domain, desired: desired, observed: observed, owned: owned, rules: rules)
        if !dependsOn.isEmpty {
            diff.actions = diff.actions.map { a in
                PlanAction(a.operation, a.address, before: a.before, after: a.after, dependsOn: a.dependsOn + dependsOn,
                           batch: a.batch, observed: a.observed, note: a.note)
            }
        }
        actions += diff.actions
        // The cache already holds the hash of what it read (`CachedReader.Reading.hash`).
        hashes[ResourceAddress(domain: diff.zone, kind: .zone)] = try observedHash ?? ObservedHash.zone(observed)
        var summary = diff.summary(role: role)
        if let existing = summaries[diff.zone] { summary.blocked = existing.blocked; summary.notRead = existing.notRead }
        summaries[diff.zone] = summary
        return diff
    }

    /// Adds a resource diff; `observed` is hashed for the fingerprint even
    /// when it is nil (absence is an observation too).
    @discardableResult
    public mutating func addResource(_ address: ResourceAddress, desired: ResourceState?, observed: ResourceState?,
                                     removeIfUndesired: Bool = false, dependsOn: [ActionID] = [],
                                     note: String? = nil) throws -> PlanAction? {
        hashes[address] = try ObservedHash.resource(observed)
        guard let action = ResourceDiff.diff(address, desired: desired, observed: observed,
                                             removeIfUndesired: removeIfUndesired, dependsOn: dependsOn, note: note)
        else { return nil }
        actions.append(action)
        return action
    }

    /// Adds an action built by hand (verify, wait).
    public mutating func add(_ action: PlanAction) { actions.append(action) }

    /// A domain that cannot be planned: "not in account: register it first".
    public mutating func block(_ domain: String, reason: String, role: DomainRole = .active) {
        summaries[domain, default: DomainSummary(domain: domain, role: role)].blocked = reason
    }

    /// A domain whose provider account could not be read: blocked (nothing
    /// is planned for it, apply refuses it) and the plan is incomplete.
    public mutating func unread(_ domain: String, account: String, reason: String, role: DomainRole = .active) {
        block(domain, reason: reason, role: role)
        unreadDomains[domain] = (account, reason)
    }

    /// A domain a PR-scoped plan did not read.
    public mutating func notRead(_ domain: String, role: DomainRole = .active) {
        summaries[domain, default: DomainSummary(domain: domain, role: role)].notRead = true
    }

    /// Takes in what another builder planned for other domains (a part of
    /// the fleet planned on another core). Its actions go after this one's,
    /// as if they had been added here.
    public mutating func absorb(_ part: PlanBuilder) {
        actions += part.actions
        summaries.merge(part.summaries) { _, theirs in theirs }
        hashes.merge(part.hashes) { _, theirs in theirs }
        unreadDomains.merge(part.unreadDomains) { _, theirs in theirs }
        unmanagedDomains += part.unmanagedDomains
        warnings += part.warnings
    }

    public func build() throws -> Plan {
        let touched = Set(actions.map(\.observed))
        var observed: [String: String] = [:]
        let nothing = try ObservedHash.resource(nil)
        for address in touched {
            // An action planned from something never hashed is planned from nothing observed.
            observed[address.description] = hashes[address] ?? nothing
        }
        return try Plan(actions: actions, domains: Array(summaries.values),
                        fingerprint: PlanFingerprint(inventory: inventoryHash, observed: observed),
                        unmanagedDomains: unmanagedDomains, unread: UnreadDomains.grouping(unreadDomains), warnings: warnings)
    }
}

/// The hashes a plan's fingerprint holds, computed the same way at plan
/// time and when a saved plan is checked for staleness.
public enum ObservedHash {
    /// Order-independent: records are sorted by key (and TTL) first.
    public static func zone(_ records: [DNSRecord]) throws -> String {
        try PlanFingerprint.hash(of: records.sorted { ($0.key, $0.ttl) < ($1.key, $1.ttl) })
    }

    public static func resource(_ state: ResourceState?) throws -> String {
        try PlanFingerprint.hash(of: state)
    }
}
