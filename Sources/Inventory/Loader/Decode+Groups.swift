import DNSRecords

extension FileDecoder {
    /// A group, from a group file (`nameKey` "group") or an item of `groups:` ("name").
    func group(_ node: YAMLNode, path: String, nameKey: String, ignoring: String? = nil) -> Group? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: [nameKey, "pool", "limits", "web", "domains", "auto_renew"], what: "a group mapping",
                                    ignoring: ignoring) else { return nil }
        let nameNode = m.required(nameKey)
        let name = nameNode.flatMap { identifier($0, m.child(nameKey)) }
        var pool: String?
        if let n = m.required("pool"), let p = identifier(n, m.child("pool")) {
            pool = p
            reference(p, .account([.mailgun], role: "a pool"), n, m.child("pool"))
        }
        let limits = m.optional("limits").flatMap { limitOverrides($0, path: m.child("limits")) } ?? LimitOverrides()
        let webPolicy = m.optional("web").flatMap { web($0, path: m.child("web")) }
        var domains: [Domain] = []
        if let n = m.optional("domains"), let items = ctx.sequence(n, m.child("domains"), what: "a list of domains") {
            for (i, item) in items.enumerated() {
                if let d = domain(item, path: FieldPath.index(m.child("domains"), i), group: name ?? "") { domains.append(d) }
            }
        }
        guard let name, let pool, let nameNode else { return nil }
        var g = Group(name: name, pool: pool, limits: limits, web: webPolicy, domains: domains, location: ctx.location(nameNode))
        g.autoRenew = m.optional("auto_renew").flatMap { ctx.bool($0, m.child("auto_renew")) }
        return g
    }

    func domain(_ node: YAMLNode, path: String, group: String) -> Domain? {
        guard let m = MappingReader(node, path: path, ctx: ctx,
                                    allowed: ["name", "registrar", "role", "warmup", "inbound", "extra_records", "web", "mailboxes", "auto_renew"],
                                    what: "a domain mapping") else { return nil }
        var name: String?
        let nameNode = m.required("name")
        if let n = nameNode, let s = ctx.nonEmptyString(n, m.child("name")) {
            let normal = DomainName.normalize(s)
            if let problem = NameRules.domainProblem(normal) {
                ctx.error(n, m.child("name"), "invalid domain name '\(DecodeContext.clip(s))': \(problem)")
            } else { name = normal }
        }
        var registrar: String?
        if let n = m.required("registrar"), let r = identifier(n, m.child("registrar")) {
            registrar = r
            reference(r, .account([.porkbun, .namecheap], role: "a registrar"), n, m.child("registrar"))
        }
        var role = DomainRole.active
        if let n = m.optional("role"), let r = ctx.word(n, m.child("role"), DomainRole.allCases.map { ($0.rawValue, $0) }, what: "role") { role = r }
        var warmup: DomainWarmup?
        if let n = m.optional("warmup"), let wm = MappingReader(n, path: m.child("warmup"), ctx: ctx, allowed: ["schedule", "started"]) {
            var schedule: String?
            if let s = wm.required("schedule"), let v = identifier(s, wm.child("schedule")) {
                schedule = v
                reference(v, .schedule, s, wm.child("schedule"))
            }
            let started = wm.required("started").flatMap { ctx.parsed($0, wm.child("started"), CalendarDate.parse) }
            if let schedule, let started { warmup = DomainWarmup(schedule: schedule, started: started, location: ctx.location(n)) }
        }
        let inbound = m.optional("inbound").flatMap { self.inbound($0, path: m.child("inbound")) }
        let extras = m.optional("extra_records").map { extraRecords($0, path: m.child("extra_records")) } ?? []
        let webPolicy = m.optional("web").flatMap { web($0, path: m.child("web")) }
        var mailboxes: [Mailbox] = []
        if let n = m.optional("mailboxes"), let items = ctx.sequence(n, m.child("mailboxes"), what: "a list of mailboxes") {
            var seen: [String: YAMLNode] = [:]
            for (i, item) in items.enumerated() {
                let p = FieldPath.index(m.child("mailboxes"), i)
                guard let mb = mailbox(item, path: p) else { continue }
                if let first = seen[mb.local] {
                    ctx.error(item, p, "duplicate mailbox '\(mb.local)' (first at line \(first.line), column \(first.column))")
                    continue
                }
                seen[mb.local] = item
                mailboxes.append(mb)
            }
            if mailboxes.count > 3 {
                ctx.warning(n, m.child("mailboxes"), "\(mailboxes.count) mailboxes on one domain: 1–3 is the normal case, more raises the risk for the domain")
            }
        }
        if role == .active, mailboxes.isEmpty, let nameNode, name != nil {
            ctx.warning(nameNode, m.child("name"), "active domain without mailboxes: nothing will send from it")
        }
        if let name, let nameNode {
            out.domainSites.append(DomainSite(name: name, group: group, location: ctx.location(nameNode), path: m.child("name"),
                                              usesDefaultInbound: !m.has("inbound")))
        }
        guard let name, let registrar, let nameNode else { return nil }
        var d = Domain(name: name, registrar: registrar, role: role, warmup: warmup, inbound: inbound, extraRecords: extras,
                       web: webPolicy, mailboxes: mailboxes, group: group, location: ctx.location(nameNode))
        d.autoRenew = m.optional("auto_renew").flatMap { ctx.bool($0, m.child("auto_renew")) }
        return d
    }

    /// `alice` or `{ local: alice, display_name: "Alice Smith" }`.
    func mailbox(_ node: YAMLNode, path: String) -> Mailbox? {
        var localNode = node
        var localPath = path
        var display: String?
        if case .mapping = node.value {
            guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["local", "display_name"]), let l = m.required("local") else { return nil }
            localNode = l
            localPath = m.child("local")
            if let d = m.optional("display_name") { display = ctx.nonEmptyString(d, m.child("display_name")) }
        }
        guard case .scalar = localNode.value else {
            ctx.error(localNode, localPath, "expected a local part (alice) or { local, display_name }, found \(localNode.kindName)")
            return nil
        }
        guard let raw = ctx.nonEmptyString(localNode, localPath) else { return nil }
        let local = raw.lowercased()
        if let problem = NameRules.localPartProblem(local) {
            ctx.error(localNode, localPath, "invalid mailbox '\(DecodeContext.clip(raw))': \(problem)")
            return nil
        }
        // mail-platforms.md 1.7: postmaster@ is Mailgun's system mailbox.
        if local == "postmaster" {
            ctx.error(localNode, localPath, "'postmaster' is reserved (Mailgun's system mailbox)")
            return nil
        }
        return Mailbox(local: local, displayName: display, location: ctx.location(localNode))
    }
}
