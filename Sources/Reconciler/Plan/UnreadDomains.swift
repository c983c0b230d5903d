/// Domains in scope that no provider could be read for — an account's
/// listing or a domain's read failed through every retry (a provider down,
/// credentials refused). A plan with any is incomplete: it must not claim the
/// fleet matches, and `--plan`/`drift` exit 1. Grouped by account and reason,
/// so a provider outage is told once per account, not once per domain.
public struct UnreadDomains: Sendable, Hashable, Codable {
    public var account: String
    public var reason: String
    public var domains: [String]

    public init(account: String, reason: String, domains: [String]) {
        self.account = account
        self.reason = reason
        self.domains = domains.sorted()
    }

    /// Groups `(domain → (account, reason))`, sorted by account then reason.
    public static func grouping(_ unread: [String: (account: String, reason: String)]) -> [UnreadDomains] {
        Dictionary(grouping: unread, by: { [$0.value.account, $0.value.reason] })
            .map { UnreadDomains(account: $0.key[0], reason: $0.key[1], domains: $0.value.map(\.key)) }
            .sorted { ($0.account, $0.reason) < ($1.account, $1.reason) }
    }
}

extension Plan {
    /// Every in-scope domain was read: what the plan says about the fleet holds.
    public var isComplete: Bool { unread.isEmpty }

    /// How many domains could not be read.
    public var unreadCount: Int { unread.reduce(0) { $0 + $1.domains.count } }
}
