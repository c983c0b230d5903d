import Foundation
import Inventory

/// The cost report as text (a terminal), Markdown (a pull-request comment)
/// or JSON (scripts). No secrets are ever part of a report.
public enum CostRender {
    public enum Format: String, Sendable, CaseIterable { case text, markdown, json }

    public static func render(_ r: CostReport, delta: CostDelta?, format: Format) throws -> String {
        switch format {
        case .text: text(r, delta: delta)
        case .markdown: markdown(r, delta: delta)
        case .json: try json(r, delta: delta)
        }
    }

    static func origin(_ r: CostReport) -> String {
        "plan prices as of \(r.pricesAsOf)\(r.pricesWritten ? " (costs:)" : " (built-in defaults; override under costs:)"), renewals from the registrars' pricing APIs"
    }

    static func plural(_ n: Int, _ word: String) -> String {
        "\(CostEstimator.count(n)) \(word)\(n == 1 ? "" : word.hasSuffix("x") ? "es" : "s")"
    }

    public static func text(_ r: CostReport, delta: CostDelta?) -> String {
        var out = ["cost: \(r.monthly)/month, \(r.yearly)/year — \(origin(r))"]
        for g in r.groups {
            out.append("group \(g.name): \(g.monthly)/month, \(g.yearly)/year")
            let unpriced = g.unpriced > 0 ? ", \(g.unpriced) without a price" : ""
            out.append("  renewals  \(plural(g.domains, "domain"))\(unpriced): \(g.renewalsMonthly)/month (\(g.renewalsYearly)/year)")
            out.append("  mailgun   \(plural(g.plannedEmails, "email"))/month planned, share of \(g.pool): \(g.mailgunMonthly)/month")
            out.append("  zoho      \(plural(g.zohoMailboxes, "mailbox")): \(g.zohoMonthly)/month")
        }
        for m in r.mailgun {
            out.append("mailgun \(m.account): plan \(m.plan) \(m.monthly)/month for \(CostEstimator.count(m.quota)) emails; planned \(CostEstimator.count(m.plannedEmails))/month (\(m.groups.joined(separator: ", ")))")
        }
        for z in r.zoho {
            out.append("zoho \(z.account): plan \(z.plan), \(plural(z.mailboxes, "mailbox"))\(z.maxMailboxes.map { " of \($0) allowed" } ?? ""): \(z.monthly)/month")
        }
        if let b = r.budgetMonthly { out.append("budget: \(b)/month, \(r.monthly <= b ? "\(b - r.monthly) left" : "exceeded by \(r.monthly - b)")") }
        if let d = delta { out.append("against \(d.base): \(signed(d.monthly))/month, \(signed(d.yearly))/year, \(signedCount(d.domains)) domains") }
        for w in r.warnings { out.append("warning: \(w.message)") }
        return out.joined(separator: "\n") + "\n"
    }

    public static func markdown(_ r: CostReport, delta: CostDelta?) -> String {
        var out = ["### Cost: \(r.monthly)/month, \(r.yearly)/year", ""]
        if let d = delta {
            out.append("**Against `\(d.base)`: \(signed(d.monthly))/month, \(signed(d.yearly))/year, \(signedCount(d.domains)) domains.**")
            out.append("")
            if !d.groups.isEmpty {
                out += ["| group | domains | per month | per year |", "|---|---:|---:|---:|"]
                for g in d.groups { out.append("| \(g.name) | \(signedCount(g.domains)) | \(signed(g.monthly)) | \(signed(g.yearly)) |") }
                out.append("")
            }
        }
        if !r.warnings.isEmpty {
            for w in r.warnings { out.append("> ⚠️ \(w.message)") }
            out.append("")
        }
        out += ["| group | domains | renewals /month | Mailgun /month | Zoho /month | total /month | total /year |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for g in r.groups {
            out.append("| \(g.name) | \(g.domains) | \(g.renewalsMonthly) | \(g.mailgunMonthly) | \(g.zohoMonthly) (\(plural(g.zohoMailboxes, "mailbox"))) | \(g.monthly) | \(g.yearly) |")
        }
        out.append("| **total** | \(r.domainCount) | | | | **\(r.monthly)** | **\(r.yearly)** |")
        out.append("")
        for m in r.mailgun {
            out.append("- Mailgun `\(m.account)`: plan **\(m.plan)**, \(m.monthly)/month for \(CostEstimator.count(m.quota)) emails; planned \(CostEstimator.count(m.plannedEmails))/month\(m.fits ? "" : " ⚠️")")
        }
        for z in r.zoho {
            out.append("- Zoho `\(z.account)`: plan **\(z.plan)**, \(plural(z.mailboxes, "mailbox"))\(z.maxMailboxes.map { " of \($0) allowed" } ?? ""), \(z.monthly)/month\(z.fits ? "" : " ⚠️")")
        }
        if let b = r.budgetMonthly { out.append("- Budget: \(b)/month\(r.monthly <= b ? "" : " ⚠️ exceeded by \(r.monthly - b)")") }
        out += ["", "<sub>\(origin(r)).</sub>"]
        return out.joined(separator: "\n") + "\n"
    }

    struct JSONBody: Encodable {
        var monthlyCents: Int
        var yearlyCents: Int
        var report: CostReport
        var delta: CostDelta?
        enum CodingKeys: String, CodingKey { case report, delta; case monthlyCents = "monthly_cents"; case yearlyCents = "yearly_cents" }
    }

    public static func json(_ r: CostReport, delta: CostDelta?) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        let data = try e.encode(JSONBody(monthlyCents: r.monthly.cents, yearlyCents: r.yearly.cents, report: r, delta: delta))
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func signed(_ v: USD) -> String { v.cents >= 0 ? "+\(v)" : "\(v)" }
    static func signedCount(_ n: Int) -> String { n >= 0 ? "+\(n)" : "\(n)" }
}
