/// The terminal plan: grouped by domain, `+ ~ -` symbols, a counts summary.
/// Colour only when asked (the CLI asks when stdout is a TTY).
public struct TextRenderer: Sendable {
    public var colour: Bool
    /// List unmanaged records of domains without changes too.
    public var showAllUnmanaged: Bool

    public init(colour: Bool = false, showAllUnmanaged: Bool = false) {
        self.colour = colour
        self.showAllUnmanaged = showAllUnmanaged
    }

    public func render(_ plan: Plan) -> String {
        var out: [String] = []
        let counts = plan.counts
        let byDomain = Dictionary(grouping: plan.actions, by: \.address.domain)
        var quietUnmanaged = 0, quietDomains = 0
        var notRead: [String] = []
        let summaries = plan.summariesByDomain
        // Listed once per account and reason at the end, not once per domain.
        let unread = UnreadText.domains(plan)
        for domain in plan.domainNames {
            let actions = byDomain[domain] ?? []
            let summary = summaries[domain]
            if summary?.notRead == true { notRead.append(domain); continue }
            if unread.contains(domain) && actions.isEmpty { continue }
            let kept = summary?.unmanagedKept ?? []
            let foreign = summary?.foreignKept ?? []
            if actions.isEmpty && summary?.blocked == nil && !(showAllUnmanaged && !kept.isEmpty) {
                if !kept.isEmpty { quietUnmanaged += kept.count; quietDomains += 1 }
                continue
            }
            out.append(paint(domain, .bold))
            if let blocked = summary?.blocked { out.append("  " + paint("blocked: \(blocked)", .red)) }
            for action in actions {
                let text = ActionText(action)
                out.append("  " + paint(text.headline, style(action.operation)))
                out += text.details.map { "      \($0)" }
            }
            if !kept.isEmpty || !foreign.isEmpty {
                out.append("  unmanaged, kept (\(kept.count + foreign.count)):")
                out += kept.map { "      \(ActionText.record($0, zone: domain))" }
                out += foreign.map { "      \($0)" }
            }
            out.append("")
        }
        if quietUnmanaged > 0 {
            out.append("\(plural(quietUnmanaged, "unmanaged record")) kept in \(plural(quietDomains, "domain")) without changes.")
        }
        if !plan.unmanagedDomains.isEmpty {
            out.append("Unmanaged domains (in a registrar account, not in the inventory; never touched): "
                       + plan.unmanagedDomains.joined(separator: ", "))
        }
        for w in plan.warnings { out.append(paint("warning: \(w)", .yellow)) }
        if !notRead.isEmpty {
            out.append("Not read (outside this plan's scope: --domain, --group or --changed-since): \(plural(notRead.count, "domain")).")
        }
        let blocked = plan.domains.filter { $0.blocked != nil && !unread.contains($0.domain) }.count
        if !plan.isComplete {
            out += UnreadText.lines(plan).enumerated().map { $0.offset == 0 ? paint($0.element, .red) : $0.element }
        }
        let unreadNote = plan.isComplete ? "" : " Incomplete: \(plural(plan.unreadCount, "domain")) not read."
        if plan.hasChanges {
            out.append(paint("Plan: \(counts.sentence)", .bold)
                       + " in \(plural(Set(plan.actions.map(\.address.domain)).count, "domain"))."
                       + (blocked > 0 ? " \(blocked) blocked." : "") + unreadNote)
        } else if !plan.isComplete {
            let note = "No changes in the domains read, but the plan is incomplete: \(plural(plan.unreadCount, "domain")) not read."
            out.append(note + (blocked > 0 ? " \(blocked) blocked." : ""))
        } else if !notRead.isEmpty {
            // A scoped plan read part of the fleet: it cannot speak for the rest.
            out.append("No changes in the domains read." + (blocked > 0 ? " \(blocked) blocked." : ""))
        } else {
            out.append("No changes. The fleet matches the inventory." + (blocked > 0 ? " \(blocked) blocked." : ""))
        }
        return out.joined(separator: "\n") + "\n"
    }

    enum Style: String { case bold = "1", red = "31", green = "32", yellow = "33", cyan = "36" }

    func style(_ op: Operation) -> Style {
        switch op {
        case .create: .green
        case .update: .yellow
        case .delete: .red
        case .verify, .wait: .cyan
        }
    }

    func paint(_ s: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(s)\u{1B}[0m" : s
    }
}
