/// What a reviewer must not miss, at the top of the Markdown plan: every
/// deletion (a registrar's parking records on a fresh domain are expected
/// and left to the domain's details) and the safety thresholds the plan
/// breaks, which make `--apply` refuse it without `--allow-destructive`.
struct DestructiveText {
    var plan: Plan
    var safety: SafetyPolicy?
    /// Deletions listed by name; the rest are counted.
    var shownLimit = 20

    static func isDestructive(_ a: PlanAction) -> Bool { a.operation == .delete && a.registrarDefault != true }

    func markdown(escape: (String) -> String) -> String {
        let deletes = plan.actions.filter(Self.isDestructive)
        let violations = safety.map { plan.safetyViolations($0) } ?? []
        guard !deletes.isEmpty || !violations.isEmpty else { return "" }
        var out = "\n"
        if !deletes.isEmpty {
            let domains = Set(deletes.map(\.address.domain)).count
            out += "**⚠️ Destructive: \(plural(deletes.count, "deletion")) in \(plural(domains, "domain")).**\n\n"
            for a in deletes.prefix(shownLimit) {
                out += "- `\(a.address.domain)`: \(code(ActionText(a).headline))\n"
            }
            if deletes.count > shownLimit { out += "- … and \(deletes.count - shownLimit) more (in the domains' details)\n" }
        }
        if !violations.isEmpty {
            out += (deletes.isEmpty ? "" : "\n")
                + "**⚠️ Over the inventory's `safety` thresholds:** `--apply` refuses this plan without `--allow-destructive`.\n\n"
            out += violations.map { "- \(escape($0.description))\n" }.joined()
        }
        return out
    }

    /// Inline code that its own backticks cannot close.
    func code(_ s: String) -> String {
        let fence = s.contains("`") ? "``" : "`"
        let pad = s.hasPrefix("`") || s.hasSuffix("`") ? " " : ""
        return fence + pad + s + pad + fence
    }
}
