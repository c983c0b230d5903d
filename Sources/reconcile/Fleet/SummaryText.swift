import Inventory

/// The text form of `reconcile validate`'s summary.
enum SummaryText {
    static func render(_ s: InventorySummary, compiled c: DesiredStateSummary, warnings: [Diagnostic]) -> String {
        var out = "inventory OK: \(n(s.files, "file")), \(n(s.accounts, "account")), "
        out += "\(n(s.groups.count, "group")), \(n(s.domains, "domain")), \(n(s.mailboxes, "mailbox", "mailboxes"))\n"
        out += "groups:\n"
        let width = s.groups.map(\.name.count).max() ?? 0
        for g in s.groups {
            out += "  \(g.name.padding(toLength: width, withPad: " ", startingAt: 0))  pool \(g.pool) (\(g.region))  "
            out += "\(n(g.domains, "domain"))  \(n(g.mailboxes, "mailbox", "mailboxes"))  \(g.hourly)/h  \(g.dailyMax)/day per mailbox\n"
        }
        out += "by role:      " + line(s.byRole, order: DomainRole.allCases.map(\.rawValue)) + "\n"
        out += "by registrar: " + line(s.byRegistrar, order: ["porkbun", "namecheap"]) + "\n"
        out += "by region:    " + line(s.byRegion, order: ["us", "eu"]) + "\n"
        out += "by inbound:   " + line(s.byInbound, order: ["zoho", "mailgun-routing"]) + "\n"
        out += "warmup schedules: \(s.warmupSchedules.isEmpty ? "none" : s.warmupSchedules.joined(separator: ", "))\n"
        out += "desired state: \(n(c.records, "DNS record")) (\(c.recordsKnownAfterApply) known after apply), "
        out += "\(n(c.mailgunDomains, "Mailgun domain")), \(n(c.smtpCredentials, "SMTP credential")), "
        out += "\(n(c.webhooks, "webhook")), \(n(c.routes, "route")), \(n(c.zohoDomains, "Zoho domain")), \(n(c.zohoUsers, "Zoho user"))\n"
        out += "warnings: \(warnings.count)\n"
        for w in warnings { out += "  \(w)\n" }
        return out
    }

    /// `1 domain`, `2 domains`
    static func n(_ count: Int, _ one: String, _ many: String? = nil) -> String {
        "\(count) \(count == 1 ? one : many ?? one + "s")"
    }

    /// `active 5 domains / 9 mailboxes, spare 1 / 1`; known keys first, then the rest sorted.
    static func line(_ counts: [String: InventorySummary.Count], order: [String]) -> String {
        let keys = order.filter { counts[$0] != nil } + counts.keys.filter { !order.contains($0) }.sorted()
        guard !keys.isEmpty else { return "-" }
        return keys.map { k in
            let c = counts[k]!
            return "\(k) \(n(c.domains, "domain")) / \(n(c.mailboxes, "mailbox", "mailboxes"))"
        }.joined(separator: ", ")
    }
}
