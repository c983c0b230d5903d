import Foundation

extension FileDecoder {
    /// `costs:` — the price table of `reconcile cost`. Every key is optional
    /// and replaces its built-in default as a whole (a `mailgun_plans` list
    /// replaces the default list).
    func costs(_ node: YAMLNode, path: String) -> Costs? {
        guard let m = MappingReader(node, path: path, ctx: ctx,
                                    allowed: ["prices_as_of", "mailgun_plans", "mailgun_plan", "zoho", "budget_monthly", "renewal_overrides"])
        else { return nil }
        var c = Costs(location: ctx.location(node))
        var ok = true
        func usd(_ n: YAMLNode, _ p: String) -> USD? {
            let v = ctx.parsed(n, p, USD.parse)
            if v == nil { ok = false }
            return v
        }
        if let n = m.optional("prices_as_of") {
            if let d = ctx.parsed(n, m.child("prices_as_of"), CalendarDate.parse) { c.pricesAsOf = d } else { ok = false }
            c.written.insert("prices_as_of")
        }
        if let n = m.optional("mailgun_plans"), let items = ctx.sequence(n, m.child("mailgun_plans"), what: "a list of plans { name, monthly_usd, emails_per_month }") {
            c.written.insert("mailgun_plans")
            var plans: [MailgunPlan] = []
            if items.isEmpty { ctx.error(n, m.child("mailgun_plans"), "needs at least one plan"); ok = false }
            for (i, item) in items.enumerated() {
                let p = FieldPath.index(m.child("mailgun_plans"), i)
                guard let pm = MappingReader(item, path: p, ctx: ctx, allowed: ["name", "monthly_usd", "emails_per_month"],
                                             what: "a plan { name, monthly_usd, emails_per_month }") else { ok = false; continue }
                let name = pm.required("name").flatMap { ctx.nonEmptyString($0, pm.child("name")) }
                let price = pm.required("monthly_usd").flatMap { usd($0, pm.child("monthly_usd")) }
                let quota = pm.required("emails_per_month").flatMap { ctx.int($0, pm.child("emails_per_month"), in: 1...1_000_000_000) }
                guard let name, let price, let quota else { ok = false; continue }
                if plans.contains(where: { $0.name == name }) {
                    ctx.error(item, pm.child("name"), "plan '\(DecodeContext.clip(name))' is listed twice")
                    ok = false
                    continue
                }
                plans.append(MailgunPlan(name: name, monthly: price, emailsPerMonth: quota, location: ctx.location(item)))
            }
            if !plans.isEmpty { c.mailgunPlans = plans }
        }
        if let n = m.optional("mailgun_plan") {
            c.written.insert("mailgun_plan")
            if let name = ctx.nonEmptyString(n, m.child("mailgun_plan")) {
                if c.mailgunPlans.contains(where: { $0.name == name }) { c.mailgunPlan = name } else {
                    let names = c.mailgunPlans.map(\.name)
                    ctx.error(n, m.child("mailgun_plan"), "unknown plan '\(DecodeContext.clip(name))': expected \(Suggest.list(names.map { "'\($0)'" }))\(Suggest.hint(name, names))")
                    ok = false
                }
            } else { ok = false }
        }
        if let n = m.optional("zoho"),
           let zm = MappingReader(n, path: m.child("zoho"), ctx: ctx, allowed: ["plan", "per_mailbox_monthly_usd", "max_mailboxes"],
                                  what: "{ plan, per_mailbox_monthly_usd, max_mailboxes }") {
            c.written.insert("zoho")
            var z = Costs.defaultZoho
            z.location = ctx.location(n)
            if let v = zm.optional("plan") { if let s = ctx.nonEmptyString(v, zm.child("plan")) { z.name = s } else { ok = false } }
            if let v = zm.optional("per_mailbox_monthly_usd") { if let p = usd(v, zm.child("per_mailbox_monthly_usd")) { z.perMailboxMonthly = p } }
            if let v = zm.optional("max_mailboxes") {
                if v.isNull { z.maxMailboxes = nil } else if let i = ctx.int(v, zm.child("max_mailboxes"), in: 1...10_000_000) { z.maxMailboxes = i } else { ok = false }
            }
            c.zoho = z
        }
        if let n = m.optional("budget_monthly") {
            c.written.insert("budget_monthly")
            c.budgetMonthly = usd(n, m.child("budget_monthly"))
        }
        if let n = m.optional("renewal_overrides"),
           let om = MappingReader(n, path: m.child("renewal_overrides"), ctx: ctx, allowed: nil, what: "a mapping of TLD to yearly price, e.g. { com: 10.44 }") {
            c.written.insert("renewal_overrides")
            for tld in om.orderedKeys {
                let key = tld.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
                let labels = key.split(separator: ".", omittingEmptySubsequences: false)
                guard !key.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else {
                    ctx.error(om.keyNode(tld)!, om.child(tld), "'\(DecodeContext.clip(tld))' is not a TLD (com, co.uk)")
                    ok = false
                    continue
                }
                if let v = om.required(tld), let price = usd(v, om.child(tld)) { c.renewalOverrides[key] = price }
            }
        }
        return ok ? c : nil
    }
}
