import Inventory

/// What the fleet costs per month and year, per group and in total, and what
/// does not fit the plans or the budget. Monthly amounts: subscriptions as
/// billed, renewals as a twelfth of the yearly price. Yearly amounts:
/// renewals as priced, subscriptions twelve times.
public struct CostReport: Sendable, Hashable, Codable {
    public struct Renewal: Sendable, Hashable, Codable {
        public var domain: String
        public var group: String
        public var registrar: String
        public var tld: String
        /// Nil when neither the registrar's API nor `costs.renewal_overrides` gave a price.
        public var yearly: USD?
        /// `costs.renewal_overrides`, or the registrar API it came from.
        public var source: String?
    }

    public struct MailgunAccount: Sendable, Hashable, Codable {
        public var account: String
        public var groups: [String]
        public var plannedEmails: Int
        public var plan: String
        public var quota: Int
        public var monthly: USD
        public var fits: Bool { plannedEmails <= quota }
    }

    public struct ZohoAccount: Sendable, Hashable, Codable {
        public var account: String
        public var plan: String
        public var mailboxes: Int
        public var maxMailboxes: Int?
        public var monthly: USD
        public var fits: Bool { maxMailboxes.map { mailboxes <= $0 } ?? true }
    }

    public struct Group: Sendable, Hashable, Codable {
        public var name: String
        public var pool: String
        public var domains: Int
        /// Domains without a renewal price (not in the sums).
        public var unpriced: Int
        public var zohoMailboxes: Int
        public var plannedEmails: Int
        public var renewalsYearly: USD
        public var renewalsMonthly: USD
        /// The group's share of its pool's plan, by planned volume.
        public var mailgunMonthly: USD
        public var zohoMonthly: USD
        public var monthly: USD
        public var yearly: USD

        public init(name: String, pool: String, domains: Int, unpriced: Int, zohoMailboxes: Int, plannedEmails: Int,
                    renewalsYearly: USD, renewalsMonthly: USD, mailgunMonthly: USD, zohoMonthly: USD) {
            self.name = name; self.pool = pool; self.domains = domains; self.unpriced = unpriced
            self.zohoMailboxes = zohoMailboxes; self.plannedEmails = plannedEmails
            self.renewalsYearly = renewalsYearly; self.renewalsMonthly = renewalsMonthly
            self.mailgunMonthly = mailgunMonthly; self.zohoMonthly = zohoMonthly
            monthly = renewalsMonthly + mailgunMonthly + zohoMonthly
            yearly = renewalsYearly + (mailgunMonthly + zohoMonthly) * 12
        }
    }

    public struct Warning: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable { case mailgunQuota = "mailgun-quota", zohoMailboxes = "zoho-mailboxes", budget, unpriced }
        public var kind: Kind
        public var message: String
    }

    /// `YYYY-MM-DD`.
    public var pricesAsOf: String
    /// True when `costs:` wrote plan prices (else the built-in ones are used).
    public var pricesWritten: Bool
    public var groups: [Group]
    public var mailgun: [MailgunAccount]
    public var zoho: [ZohoAccount]
    public var renewals: [Renewal]
    public var budgetMonthly: USD?
    public var warnings: [Warning]

    public var monthly: USD { groups.reduce(.zero) { $0 + $1.monthly } }
    public var yearly: USD { groups.reduce(.zero) { $0 + $1.yearly } }
    public var domainCount: Int { groups.reduce(0) { $0 + $1.domains } }
    public var fits: Bool { warnings.isEmpty }
}

/// A pull request's effect: the report at the head against the one at a base ref.
public struct CostDelta: Sendable, Hashable, Codable {
    public struct Group: Sendable, Hashable, Codable {
        public var name: String
        public var domains: Int
        public var monthly: USD
        public var yearly: USD
    }

    public var base: String
    public var domains: Int
    public var monthly: USD
    public var yearly: USD
    /// Groups whose domains or cost changed.
    public var groups: [Group]

    public init(base ref: String, from old: CostReport, to new: CostReport) {
        base = ref
        domains = new.domainCount - old.domainCount
        monthly = new.monthly - old.monthly
        yearly = new.yearly - old.yearly
        let names = Set(old.groups.map(\.name)).union(new.groups.map(\.name)).sorted()
        groups = names.compactMap { n in
            let a = old.groups.first { $0.name == n }, b = new.groups.first { $0.name == n }
            let g = Group(name: n, domains: (b?.domains ?? 0) - (a?.domains ?? 0),
                          monthly: (b?.monthly ?? .zero) - (a?.monthly ?? .zero), yearly: (b?.yearly ?? .zero) - (a?.yearly ?? .zero))
            return g.domains == 0 && g.monthly == .zero && g.yearly == .zero ? nil : g
        }
    }
}
