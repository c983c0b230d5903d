import Inventory
/// Limits above which a plan is refused unless destruction is allowed
/// (octoDNS's update/delete thresholds and root-NS guard, per domain).
public struct SafetyPolicy: Sendable, Hashable, Codable {
    /// Deletes plus updates of records, as a fraction of the domain's managed
    /// records, above which the domain's changes are refused.
    public var maxRewriteFraction: Double
    /// Per-domain override of `maxRewriteFraction` (the inventory's per-domain setting).
    public var rewriteFractionByDomain: [String: Double]
    /// Domains with fewer managed records than this are not held to the
    /// fraction (octoDNS's MIN_EXISTING_RECORDS); 0 holds every domain.
    public var minimumManagedRecords: Int
    /// More domains torn down (mail resources deleted) than this is refused.
    public var maxDomainTeardowns: Int
    /// `--allow-destructive`: report nothing.
    public var allowDestructive: Bool

    public init(maxRewriteFraction: Double = 0.3, rewriteFractionByDomain: [String: Double] = [:],
                minimumManagedRecords: Int = 0, maxDomainTeardowns: Int = 3, allowDestructive: Bool = false) {
        self.maxRewriteFraction = maxRewriteFraction
        self.rewriteFractionByDomain = rewriteFractionByDomain
        self.minimumManagedRecords = minimumManagedRecords
        self.maxDomainTeardowns = maxDomainTeardowns
        self.allowDestructive = allowDestructive
    }
}

/// One reason a plan is refused.
public enum SafetyViolation: Sendable, Hashable, Codable, CustomStringConvertible {
    case tooManyRewrites(domain: String, changed: Int, managed: Int, threshold: Double)
    case mxRemoved(domain: String)
    case tooManyTeardowns(domains: [String], limit: Int)
    case nameserverChange(domain: String)

    public var description: String {
        switch self {
        case let .tooManyRewrites(d, changed, managed, threshold):
            let pct = managed == 0 ? 100.0 : Double(changed) * 100 / Double(managed)
            return "\(d): \(changed) of \(managed) managed records deleted or rewritten "
                + "(\(Self.percent(pct)) > \(Self.percent(threshold * 100)))"
        case .mxRemoved(let d):
            return "\(d): the plan removes every MX record of a domain that receives mail"
        case let .tooManyTeardowns(ds, limit):
            return "\(ds.count) domains torn down (limit \(limit)): \(ds.joined(separator: ", "))"
        case .nameserverChange(let d):
            return "\(d): the plan changes nameservers"
        }
    }

    static func percent(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }
}

/// The typed refusal `Plan.checkSafety` throws.
public struct UnsafePlan: Error, Sendable, Equatable, CustomStringConvertible {
    public var violations: [SafetyViolation]
    public var description: String {
        "refusing a destructive plan (use --allow-destructive to apply it anyway):\n"
            + violations.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension Plan {
    /// Kinds whose deletion means a domain is being torn down.
    static let teardownKinds: Set<ResourceKind> = [.mailgunDomain, .zohoDomain, .registrarDomain]

    /// Every rule the plan breaks under `policy`, in a stable order.
    public func safetyViolations(_ policy: SafetyPolicy = SafetyPolicy()) -> [SafetyViolation] {
        if policy.allowDestructive { return [] }
        var out: [SafetyViolation] = []
        var teardowns: [String] = []
        let byDomain = Dictionary(grouping: actions, by: \.address.domain)
        let summaries = summariesByDomain
        for domain in domainNames {
            let acts = byDomain[domain] ?? []
            let summary = summaries[domain]
            let records = acts.filter { $0.address.kind == .dnsRecord }
            let rewritten = records.filter {
                ($0.operation == .delete || $0.operation == .update) && $0.registrarDefault != true
            }.count
            let managed = summary?.managedRecords ?? 0
            let threshold = policy.rewriteFractionByDomain[domain] ?? policy.maxRewriteFraction
            // `role: retired` declares the teardown: its deletes count toward the
            // teardown limit below, not against the domain's rewrite fraction.
            let retiring = summary?.role == .retired
            if retiring, rewritten > 0 { teardowns.append(domain) }
            if !retiring, rewritten > 0, managed >= policy.minimumManagedRecords,
               managed == 0 || Double(rewritten) / Double(managed) > threshold {
                out.append(.tooManyRewrites(domain: domain, changed: rewritten, managed: managed, threshold: threshold))
            }
            if let summary, summary.role.receivesMail, summary.observedMX > 0 {
                let isMX = { (a: PlanAction) in a.address.kind == .dnsRecord && a.before?["type"] == .string("MX") }
                let isNewMX = { (a: PlanAction) in a.address.kind == .dnsRecord && a.after?["type"] == .string("MX") }
                let removed = records.filter { $0.operation == .delete && isMX($0) }.count
                    + records.filter { $0.operation == .update && isMX($0) && !isNewMX($0) }.count
                let added = records.filter { $0.operation == .create && isNewMX($0) }.count
                    + records.filter { $0.operation == .update && isNewMX($0) && !isMX($0) }.count
                if summary.observedMX - removed + added <= 0 { out.append(.mxRemoved(domain: domain)) }
            }
            if acts.contains(where: { $0.address.kind == .nameservers && $0.operation.isChange }) {
                out.append(.nameserverChange(domain: domain))
            }
            if teardowns.last != domain, acts.contains(where: { $0.operation == .delete && Plan.teardownKinds.contains($0.address.kind) }) {
                teardowns.append(domain)
            }
        }
        if teardowns.count > policy.maxDomainTeardowns {
            out.append(.tooManyTeardowns(domains: teardowns, limit: policy.maxDomainTeardowns))
        }
        return out
    }

    /// Throws `UnsafePlan` listing every violation, unless the policy allows destruction.
    public func checkSafety(_ policy: SafetyPolicy = SafetyPolicy()) throws(UnsafePlan) {
        let v = safetyViolations(policy)
        if !v.isEmpty { throw UnsafePlan(violations: v) }
    }
}
