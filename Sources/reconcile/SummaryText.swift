import Inventory

/// The text form of `reconcile validate`'s summary.
enum SummaryText {
    static func render(_ s: InventorySummary, warnings: [Diagnostic]) -> String {
        var out = "inventory OK: \(s.files) file\(s.files == 1 ? "" : "s"), \(s.accounts) accounts, "
        out += "\(s.groups.count) groups, \(s.domains) domains, \(s.mailboxes) mailboxes\n"
        out += "groups:\n"
        let width = s.groups.map(\.name.count).max() ?? 0
        for g in s.groups {
            out += "  \(g.name.padding(toLength: width, withPad: " ", startingAt: 0))  pool \(g.pool) (\(g.region))  "
            out += "\(g.domains) domains  \(g.mailboxes) mailboxes  \(g.hourly)/h  \(g.dailyMax)/day per mailbox\n"
        }
        out += "by role:      " + line(s.byRole, order: DomainRole.allCases.map(\.rawValue)) + "\n"
        out += "by registrar: " + line(s.byRegistrar, order: ["porkbun", "namecheap"]) + "\n"
        out += "by region:    " + line(s.byRegion, order: ["us", "eu"]) + "\n"
        out += "by inbound:   " + line(s.byInbound, order: ["zoho", "mailgun-routing"]) + "\n"
        out += "warmup schedules: \(s.warmupSchedules.isEmpty ? "none" : s.warmupSchedules.joined(separator: ", "))\n"
        out += "warnings: \(warnings.count)\n"
        for w in warnings { out += "  \(w)\n" }
        return out
    }

    /// `active 5 domains / 9 mailboxes, spare 1 / 1`; known keys first, then the rest sorted.
    static func line(_ counts: [String: InventorySummary.Count], order: [String]) -> String {
        let keys = order.filter { counts[$0] != nil } + counts.keys.filter { !order.contains($0) }.sorted()
        guard !keys.isEmpty else { return "-" }
        return keys.map { k in
            let c = counts[k]!
            return "\(k) \(c.domains) domain\(c.domains == 1 ? "" : "s") / \(c.mailboxes) mailbox\(c.mailboxes == 1 ? "" : "es")"
        }.joined(separator: ", ")
    }
}
