/// How the renderers tell that a plan is incomplete: one headline, then one
/// line per account and reason naming every domain it left unread.
enum UnreadText {
    static func headline(_ plan: Plan) -> String {
        "Incomplete: \(plural(plan.unreadCount, "domain")) could not be read; the plan says nothing about \(plan.unreadCount == 1 ? "it" : "them")."
    }

    /// `account porkbun, 2 domains: could not list account "porkbun": …` and the domains.
    static func causes(_ plan: Plan) -> [(cause: String, domains: String)] {
        plan.unread.map { u in
            ("account \(u.account), \(plural(u.domains.count, "domain")): \(u.reason)", u.domains.joined(separator: ", "))
        }
    }

    static func lines(_ plan: Plan) -> [String] {
        guard !plan.isComplete else { return [] }
        return [headline(plan)] + causes(plan).flatMap { ["  \($0.cause)", "    \($0.domains)"] }
    }

    /// The domains listed by `lines`, which the per-domain output leaves out.
    static func domains(_ plan: Plan) -> Set<String> { Set(plan.unread.flatMap(\.domains)) }
}
