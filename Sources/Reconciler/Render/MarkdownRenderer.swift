/// The plan as a pull-request comment, in the order a reviewer reads it: an
/// incomplete plan said first, the counts, the destructive changes called
/// out, a summary table, then each domain's details collapsed in
/// `<details>` — always under `limit` characters (GitHub refuses comments
/// over 65,536) with a note saying what was cut.
public struct MarkdownRenderer: Sendable {
    public var limit: Int
    /// The inventory's `safety` thresholds: a plan that breaks them says at
    /// the top that applying it needs `--allow-destructive`. Nil: not judged.
    public var safety: SafetyPolicy?
    /// The heading: `drift` reports the same plan as what drifted.
    public var title: String

    public init(limit: Int = 65_000, safety: SafetyPolicy? = nil, title: String = "reconcile plan") {
        self.limit = limit
        self.safety = safety
        self.title = title
    }

    public func render(_ plan: Plan) -> String {
        let counts = plan.counts
        let byDomain = Dictionary(grouping: plan.actions, by: \.address.domain)
        let summaries = plan.summariesByDomain
        // Unread domains are listed in the head, once per account and reason.
        let unread = UnreadText.domains(plan)
        let shown = plan.domainNames.filter { d in
            !(byDomain[d] ?? []).isEmpty || (summaries[d]?.blocked != nil && !unread.contains(d))
        }
        var head = "## \(title)\n\n"
        if !plan.isComplete {
            head += "**\(UnreadText.headline(plan))**\n\n"
            for c in UnreadText.causes(plan) { head += "- \(escape(c.cause)): \(escape(c.domains))\n" }
            head += "\n"
        }
        let notRead = plan.domains.filter(\.notRead).count
        if !plan.hasChanges {
            // A scoped plan (--domain, --changed-since) says nothing about the domains it did not read.
            head += plan.isComplete && notRead == 0 ? "**No changes.** The fleet matches the inventory.\n" : "**No changes** in the domains read.\n"
        } else {
            head += "**\(counts.sentence)** in \(plural(Set(plan.actions.map(\.address.domain)).count, "domain")).\n"
        }
        head += DestructiveText(plan: plan, safety: safety).markdown(escape: escape)
        if notRead > 0 { head += "\n\(plural(notRead, "domain")) not read (outside this plan's scope).\n" }
        if !plan.unmanagedDomains.isEmpty {
            head += "\n\(plural(plan.unmanagedDomains.count, "unmanaged domain")) in registrar accounts, never touched.\n"
        }
        let kept = plan.domains.reduce(0) { $0 + $1.unmanagedKept.count }
        if kept > 0 { head += "\n\(plural(kept, "unmanaged record")) kept untouched.\n" }
        if !plan.warnings.isEmpty { head += "\n" + plan.warnings.map { "- ⚠️ `\($0.domain)`: \($0.text)\n" }.joined() }

        // Reserve room for the truncation note; the table gets at most half.
        let reserve = 400
        var budget = limit - reserve - head.utf8.count
        var table = ""
        var tableRows = 0
        if !shown.isEmpty {
            table = "\n| Domain | Create | Update | Delete | Verify | Wait | Unmanaged kept |\n|---|--:|--:|--:|--:|--:|--:|\n"
            for d in shown {
                let c = PlanCounts(byDomain[d] ?? [])
                let blocked = summaries[d]?.blocked.map { " (blocked: \(escape($0)))" } ?? ""
                let row = "| `\(d)`\(blocked) | \(c.create) | \(c.update) | \(c.delete) | \(c.verify) | \(c.wait) | \(summaries[d]?.unmanagedKept.count ?? 0) |\n"
                if table.utf8.count + row.utf8.count > budget / 2 { break }
                table += row
                tableRows += 1
            }
            if tableRows < shown.count { table += "| … \(shown.count - tableRows) more domains | | | | | | |\n" }
        }
        budget -= table.utf8.count

        var body = ""
        var detailed = 0
        for d in shown {
            let section = self.section(d, actions: byDomain[d] ?? [], summary: summaries[d])
            if body.utf8.count + section.utf8.count > budget { continue }
            body += section
            detailed += 1
        }
        var out = head + table + (body.isEmpty ? "" : "\n" + body)
        if detailed < shown.count || tableRows < shown.count {
            out += "\n> **Truncated:** \(shown.count - detailed) of \(shown.count) domains are not shown in detail"
                + " (a comment must stay under \(limit) characters). The complete plan is in the saved plan file (`--out`).\n"
        }
        return out
    }

    func section(_ domain: String, actions: [PlanAction], summary: DomainSummary?) -> String {
        var lines: [String] = []
        for a in actions {
            let t = ActionText(a)
            lines.append(t.headline)
            lines += t.details.map { "      \($0)" }
        }
        let kept = summary?.unmanagedKept ?? [], foreign = summary?.foreignKept ?? []
        if !kept.isEmpty || !foreign.isEmpty {
            lines.append("  unmanaged, kept (\(kept.count + foreign.count)):")
            lines += kept.map { "      \(ActionText.record($0, zone: domain))" }
            lines += foreign.map { "      \($0)" }
        }
        let c = PlanCounts(actions)
        let what = summary?.blocked != nil && c.total == 0 ? "blocked" : c.sentence
        let mark = actions.contains { DestructiveText.isDestructive($0) } ? "⚠️ " : ""
        var s = "<details><summary>\(mark)<code>\(domain)</code>: \(what)</summary>\n\n"
        if let blocked = summary?.blocked { s += "Blocked: \(escape(blocked))\n\n" }
        if !lines.isEmpty {
            // A fence longer than any backtick run in the content cannot be closed by it.
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(lines) + 1))
            s += "\(fence)diff\n" + lines.joined(separator: "\n") + "\n\(fence)\n\n"
        }
        return s + "</details>\n"
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "<", with: "&lt;")
    }

    func longestBacktickRun(_ lines: [String]) -> Int {
        var best = 0
        for line in lines {
            var run = 0
            for ch in line { run = ch == "`" ? run + 1 : 0; best = max(best, run) }
        }
        return best
    }
}
