/// `reconcile drift`: a short summary fit for an alert (Telegram, a CI log).
public struct DriftReport: Sendable {
    public var maxDomains: Int
    public var maxLinesPerDomain: Int

    public init(maxDomains: Int = 10, maxLinesPerDomain: Int = 3) {
        self.maxDomains = maxDomains
        self.maxLinesPerDomain = maxLinesPerDomain
    }

    /// The drift summary, then the plan's warnings (an expiring registration…).
    public func render(_ plan: Plan) -> String {
        changes(plan) + plan.warnings.map { "warning: \($0)\n" }.joined()
    }

    func changes(_ plan: Plan) -> String {
        let changes = plan.actions.filter(\.operation.isChange)
        // An incomplete check says so first and never that the fleet matches.
        let unread = UnreadText.lines(plan)
        guard !changes.isEmpty else {
            if unread.isEmpty { return "No drift: the fleet matches the inventory.\n" }
            return (unread + ["No drift in the domains read."]).joined(separator: "\n") + "\n"
        }
        let byDomain = Dictionary(grouping: changes, by: \.address.domain)
        let domains = byDomain.keys.sorted()
        var out = unread + ["Drift in \(plural(domains.count, "domain")): \(PlanCounts(changes).sentence)."]
        for d in domains.prefix(maxDomains) {
            let acts = byDomain[d]!
            out.append("\(d):")
            out += acts.prefix(maxLinesPerDomain).map { "  \(ActionText($0).headline)" }
            if acts.count > maxLinesPerDomain { out.append("  … \(acts.count - maxLinesPerDomain) more") }
        }
        if domains.count > maxDomains { out.append("… \(plural(domains.count - maxDomains, "more domain"))") }
        return out.joined(separator: "\n") + "\n"
    }
}
