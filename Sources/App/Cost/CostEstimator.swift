import Foundation
import Inventory
import Providers

/// Prices an inventory: renewals from the registrars' prices (or
/// `costs.renewal_overrides`, which win), each Mailgun account's plan from
/// its groups' planned volume, Zoho mailboxes at the plan's price. Pure: the
/// prices and volumes come in, a `CostReport` goes out.
public struct CostEstimator: Sendable {
    /// Yearly renewal prices by registrar account, then TLD.
    public var renewalPrices: [String: [String: USD]]
    /// Why an account has no prices (its API failed, a key is missing).
    public var priceProblems: [String: String]
    /// Planned sends per month by group.
    public var plannedEmails: [String: Int]

    public init(renewalPrices: [String: [String: USD]], priceProblems: [String: String] = [:], plannedEmails: [String: Int]) {
        self.renewalPrices = renewalPrices
        self.priceProblems = priceProblems
        self.plannedEmails = plannedEmails
    }

    public func estimate(_ inv: Inventory) -> CostReport {
        let costs = inv.costs
        var warnings: [CostReport.Warning] = []

        // Renewals: every registered domain, retired ones too (they stay registered).
        var renewals: [CostReport.Renewal] = []
        for g in inv.groups {
            for d in g.domains {
                let tld = DomainSplit.split(d.name).tld
                var r = CostReport.Renewal(domain: d.name, group: g.name, registrar: d.registrar, tld: tld, yearly: nil, source: nil)
                if let o = costs.renewalOverrides[tld] {
                    (r.yearly, r.source) = (o, "costs.renewal_overrides")
                } else if let p = renewalPrices[d.registrar]?[tld] {
                    (r.yearly, r.source) = (p, "\(inv.account(named: d.registrar)?.kind.rawValue ?? d.registrar) pricing API")
                }
                renewals.append(r)
            }
        }
        let unpriced = Dictionary(grouping: renewals.filter { $0.yearly == nil }) { "\($0.registrar) .\($0.tld)" }
        for key in unpriced.keys.sorted() {
            let rows = unpriced[key]!
            let why = priceProblems[rows[0].registrar].map { ": \($0)" } ?? ": the registrar's pricing API has no renewal price for it"
            warnings.append(.init(kind: .unpriced, message: "no renewal price for .\(rows[0].tld) at \(rows[0].registrar) (\(rows.count) domain\(rows.count == 1 ? "" : "s"), left out of the totals)\(why); set costs.renewal_overrides.\(rows[0].tld)"))
        }

        // Mailgun: per account (pool), the cheapest plan that holds its groups' volume.
        var mailgun: [CostReport.MailgunAccount] = []
        var mailgunShare: [String: USD] = [:]
        let pools = Dictionary(grouping: inv.groups, by: \.pool)
        for pool in pools.keys.sorted() {
            let groups = pools[pool]!.sorted { $0.name < $1.name }
            let volume = groups.reduce(0) { $0 + (plannedEmails[$1.name] ?? 0) }
            let plans = costs.mailgunPlans
            let plan: MailgunPlan
            if let pinned = costs.mailgunPlan, let p = plans.first(where: { $0.name == pinned }) {
                plan = p
            } else if let p = plans.filter({ $0.emailsPerMonth >= volume }).min(by: { ($0.monthly, $0.emailsPerMonth) < ($1.monthly, $1.emailsPerMonth) }) {
                plan = p
            } else {
                plan = plans.max { ($0.emailsPerMonth, $1.monthly) < ($1.emailsPerMonth, $0.monthly) }!
            }
            let account = CostReport.MailgunAccount(account: pool, groups: groups.map(\.name), plannedEmails: volume, plan: plan.name,
                                                    quota: plan.emailsPerMonth, monthly: plan.monthly)
            if !account.fits {
                let which = costs.mailgunPlan == nil ? "the largest plan" : "the pinned plan"
                warnings.append(.init(kind: .mailgunQuota, message: "\(pool): planned \(Self.count(volume)) emails/month is above \(which) '\(plan.name)' (\(Self.count(plan.emailsPerMonth))/month): overage is not in the totals"))
            }
            mailgun.append(account)
            // The plan is shared by volume; cents left over go to the largest shares first.
            let weights = groups.map { volume == 0 ? 1 : (plannedEmails[$0.name] ?? 0) }
            for (g, c) in zip(groups, Self.split(plan.monthly.cents, weights: weights)) { mailgunShare[g.name] = USD(cents: c) }
        }

        // Zoho: one mailbox per address on a domain whose replies Zoho hosts (not retired).
        var zohoCount: [String: Int] = [:]
        var groupMailboxes: [String: Int] = [:]
        for g in inv.groups {
            for d in g.domains where d.role != .retired {
                guard case .zoho(let account) = inv.effectiveInbound(for: d) else { continue }
                zohoCount[account, default: 0] += d.mailboxes.count
                groupMailboxes[g.name, default: 0] += d.mailboxes.count
            }
        }
        let zoho = zohoCount.keys.sorted().map { a -> CostReport.ZohoAccount in
            CostReport.ZohoAccount(account: a, plan: costs.zoho.name, mailboxes: zohoCount[a]!, maxMailboxes: costs.zoho.maxMailboxes,
                                   monthly: costs.zoho.perMailboxMonthly * zohoCount[a]!)
        }
        for z in zoho where !z.fits {
            warnings.append(.init(kind: .zohoMailboxes, message: "\(z.account): \(z.mailboxes) mailboxes, more than the \(z.maxMailboxes!) the Zoho plan '\(z.plan)' allows"))
        }

        let groups = inv.groups.map { g -> CostReport.Group in
            let rows = renewals.filter { $0.group == g.name }
            let yearly = rows.compactMap(\.yearly).reduce(USD.zero, +)
            let mailboxes = groupMailboxes[g.name] ?? 0
            return CostReport.Group(name: g.name, pool: g.pool, domains: g.domains.count, unpriced: rows.filter { $0.yearly == nil }.count,
                                    zohoMailboxes: mailboxes, plannedEmails: plannedEmails[g.name] ?? 0, renewalsYearly: yearly,
                                    renewalsMonthly: USD(cents: Int((Double(yearly.cents) / 12).rounded())),
                                    mailgunMonthly: mailgunShare[g.name] ?? .zero, zohoMonthly: costs.zoho.perMailboxMonthly * mailboxes)
        }
        var report = CostReport(pricesAsOf: costs.pricesAsOf.description, pricesWritten: !costs.written.isDisjoint(with: ["mailgun_plans", "zoho", "prices_as_of"]),
                                groups: groups, mailgun: mailgun, zoho: zoho, renewals: renewals, budgetMonthly: costs.budgetMonthly,
                                warnings: [])
        if let budget = costs.budgetMonthly, report.monthly > budget {
            warnings.append(.init(kind: .budget, message: "the total \(report.monthly)/month is above costs.budget_monthly \(budget) by \(report.monthly - budget)"))
        }
        report.warnings = warnings
        return report
    }

    /// `total` split in proportion to `weights`, summing exactly to `total`.
    static func split(_ total: Int, weights: [Int]) -> [Int] {
        let sum = weights.reduce(0, +)
        guard sum > 0 else { return weights.map { _ in 0 } }
        var parts = weights.map { total * $0 / sum }
        var left = total - parts.reduce(0, +)
        for i in weights.indices.sorted(by: { weights[$0] > weights[$1] }) where left > 0 {
            parts[i] += 1
            left -= 1
        }
        return parts
    }

    /// `12,345`.
    static func count(_ n: Int) -> String {
        var s = String(n), out = ""
        while s.count > 3 { out = "," + s.suffix(3) + out; s.removeLast(3) }
        return s + out
    }
}
