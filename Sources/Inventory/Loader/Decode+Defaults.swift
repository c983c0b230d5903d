import DNSRecords

extension FileDecoder {
    func defaults(_ node: YAMLNode, path: String) -> Defaults? {
        guard let m = MappingReader(node, path: path, ctx: ctx,
                                    allowed: ["ttl", "inbound", "dmarc", "spf", "tracking", "extra_records", "smtp_password_secret", "web",
                                              "auto_renew"])
        else { return nil }
        var d = Defaults(inbound: .zoho(account: ""), location: ctx.location(node))
        d.dmarc.location = d.location
        if let n = m.optional("ttl"), let v = ttl(n, m.child("ttl")) { d.ttl = v }
        if let n = m.optional("inbound"), let v = inbound(n, path: m.child("inbound")) {
            d.inbound = v
            out.defaultsInboundExplicit = true
        }
        if let n = m.optional("dmarc"), let v = dmarc(n, path: m.child("dmarc")) { d.dmarc = v }
        if let n = m.optional("spf"), let v = spf(n, path: m.child("spf")) { d.spf = v }
        if let n = m.optional("tracking"), let v = tracking(n, path: m.child("tracking")) { d.tracking = v }
        if let n = m.optional("extra_records") { d.extraRecords = extraRecords(n, path: m.child("extra_records")) }
        if let n = m.optional("smtp_password_secret") { d.smtpPasswordSecret = ctx.secret(n, m.child("smtp_password_secret")) }
        if let n = m.optional("web") { d.web = web(n, path: m.child("web")) }
        if let n = m.optional("auto_renew"), let v = ctx.bool(n, m.child("auto_renew")) { d.autoRenew = v }
        return d
    }

    func ttl(_ node: YAMLNode, _ path: String) -> Int? {
        ctx.int(node, path, in: 60...86_400)
    }

    /// `zoho`, `mailgun-routing` needs a target, so the long form:
    /// `{ mode: zoho, account: NAME }` or `{ mode: mailgun-routing, forward_to: ADDRESS }`.
    /// A zoho policy without an account is filled in at merge time.
    func inbound(_ node: YAMLNode, path: String) -> InboundPolicy? {
        let modes = InboundMode.allCases.map { ($0.rawValue, $0) }
        if case .scalar = node.value {
            guard let mode = ctx.word(node, path, modes, what: "inbound mode") else { return nil }
            switch mode {
            case .zoho:
                out.zohoShorthands.append((ctx.location(node), path))
                return .zoho(account: "")
            case .mailgunRouting:
                ctx.error(node, path, "mailgun-routing needs a forward target: write { mode: mailgun-routing, forward_to: ADDRESS }")
                return nil
            }
        }
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["mode", "account", "forward_to"], what: "an inbound mode or a mapping") else { return nil }
        guard let modeNode = m.required("mode"), let mode = ctx.word(modeNode, m.child("mode"), modes, what: "inbound mode") else { return nil }
        switch mode {
        case .zoho:
            if let f = m.keyNode("forward_to") { ctx.error(f, m.child("forward_to"), "forward_to applies to mailgun-routing only") }
            guard let a = m.optional("account") else {
                out.zohoShorthands.append((ctx.location(modeNode), m.child("mode")))
                return .zoho(account: "")
            }
            guard let name = identifier(a, m.child("account")) else { return nil }
            reference(name, .account([.zoho], role: "an inbound zoho account"), a, m.child("account"))
            return .zoho(account: name)
        case .mailgunRouting:
            if let a = m.keyNode("account") { ctx.error(a, m.child("account"), "account applies to zoho only (routes use the group's pool)") }
            guard let t = m.required("forward_to"), let target = ctx.nonEmptyString(t, m.child("forward_to")) else { return nil }
            guard NameRules.isEmailAddress(target) || NameRules.isHTTPURL(target, httpsOnly: true) else {
                ctx.error(t, m.child("forward_to"), "'\(DecodeContext.clip(target))' is neither an email address nor an https URL")
                return nil
            }
            return .mailgunRouting(forwardTo: target)
        }
    }

    func dmarc(_ node: YAMLNode, path: String) -> DMARCPolicy? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["policy", "subdomain_policy", "rua", "ruf", "pct", "adkim", "aspf"]) else { return nil }
        var d = DMARCPolicy(location: ctx.location(node))
        let dispositions = DMARCPolicy.Disposition.allCases.map { ($0.rawValue, $0) }
        let alignments: [(String, DMARCPolicy.Alignment)] = [("relaxed", .relaxed), ("strict", .strict), ("r", .relaxed), ("s", .strict)]
        if let n = m.optional("policy"), let v = ctx.word(n, m.child("policy"), dispositions, what: "DMARC policy") { d.policy = v }
        if let n = m.optional("subdomain_policy") { d.subdomainPolicy = ctx.word(n, m.child("subdomain_policy"), dispositions, what: "DMARC policy") }
        for key in ["rua", "ruf"] {
            guard let n = m.optional(key), let list = ctx.stringList(n, m.child(key)) else { continue }
            var ok: [String] = []
            for (i, uri) in list.enumerated() {
                let at: YAMLNode = if case .sequence(let items) = n.value { items[i] } else { n }
                let p = if case .sequence = n.value { FieldPath.index(m.child(key), i) } else { m.child(key) }
                if uri.hasPrefix("mailto:"), NameRules.isEmailAddress(String(uri.dropFirst(7).prefix { $0 != "!" })) {
                    ok.append(uri)
                } else {
                    ctx.error(at, p, "'\(DecodeContext.clip(uri))' is not a mailto: URI (e.g. mailto:dmarc@reports.example.org)")
                }
            }
            if key == "rua" { d.rua = ok } else { d.ruf = ok }
        }
        if let n = m.optional("pct"), let v = ctx.int(n, m.child("pct"), in: 0...100) { d.pct = v }
        if let n = m.optional("adkim"), let v = ctx.word(n, m.child("adkim"), alignments, what: "DMARC alignment") { d.adkim = v }
        if let n = m.optional("aspf"), let v = ctx.word(n, m.child("aspf"), alignments, what: "DMARC alignment") { d.aspf = v }
        return d
    }

    func spf(_ node: YAMLNode, path: String) -> SPFPolicy? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["qualifier", "includes"]) else { return nil }
        var s = SPFPolicy()
        let qualifiers: [(String, SPFPolicy.Qualifier)] = [("softfail", .softfail), ("fail", .fail), ("neutral", .neutral),
                                                           ("~all", .softfail), ("-all", .fail), ("?all", .neutral)]
        if let n = m.optional("qualifier"), let v = ctx.word(n, m.child("qualifier"), qualifiers, what: "SPF qualifier") { s.qualifier = v }
        if let n = m.optional("includes"), let items = ctx.sequence(n, m.child("includes")) {
            for (i, item) in items.enumerated() {
                let p = FieldPath.index(m.child("includes"), i)
                var domainNode = item
                var lookups: Int?
                if case .mapping = item.value {
                    guard let im = MappingReader(item, path: p, ctx: ctx, allowed: ["domain", "lookups"]), let dn = im.required("domain") else { continue }
                    domainNode = dn
                    if let l = im.optional("lookups") { lookups = ctx.int(l, im.child("lookups"), in: 0...10) }
                }
                let dp = if case .mapping = item.value { FieldPath.key(p, "domain") } else { p }
                guard var domain = ctx.nonEmptyString(domainNode, dp) else { continue }
                if domain.hasPrefix("include:") { domain.removeFirst(8) }
                domain = DomainName.normalize(domain)
                if let problem = NameRules.hostProblem(domain) {
                    ctx.error(domainNode, dp, "'\(DecodeContext.clip(domain))' \(problem)")
                    continue
                }
                s.includes.append(SPFInclude(domain: domain, lookups: lookups, location: ctx.location(domainNode)))
            }
        }
        return s
    }

    func tracking(_ node: YAMLNode, path: String) -> TrackingPolicy? {
        if case .scalar = node.value { return ctx.bool(node, path).map { TrackingPolicy(enabled: $0) } }
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["enabled", "prefix"], what: "true, false or a mapping") else { return nil }
        var t = TrackingPolicy(enabled: true)
        if let n = m.optional("enabled"), let v = ctx.bool(n, m.child("enabled")) { t.enabled = v }
        if let n = m.optional("prefix"), let v = ctx.nonEmptyString(n, m.child("prefix")) {
            if NameRules.labelProblem(Substring(v)) == nil { t.prefix = v } else { ctx.error(n, m.child("prefix"), "'\(DecodeContext.clip(v))' is not a DNS label") }
        }
        return t
    }

    func extraRecords(_ node: YAMLNode, path: String) -> [ExtraRecord] {
        guard let items = ctx.sequence(node, path, what: "a list of records") else { return [] }
        var out: [ExtraRecord] = []
        let types = RecordType.allCases.map { ($0.rawValue, $0) }
        for (i, item) in items.enumerated() {
            let p = FieldPath.index(path, i)
            guard let m = MappingReader(item, path: p, ctx: ctx, allowed: ["name", "type", "value", "ttl", "priority"]) else { continue }
            var name = "@"
            if let n = m.optional("name"), let s = ctx.string(n, m.child("name")) {
                let lower = s.lowercased()
                if let problem = NameRules.relativeNameProblem(lower) {
                    ctx.error(n, m.child("name"), "'\(DecodeContext.clip(s))' \(problem)")
                    continue
                }
                name = lower.isEmpty ? "@" : lower
            }
            let type = m.required("type").flatMap { ctx.word($0, m.child("type"), types, what: "record type") }
            let value = m.required("value").flatMap { ctx.nonEmptyString($0, m.child("value")) }
            let ttl = m.optional("ttl").flatMap { self.ttl($0, m.child("ttl")) }
            var priority: Int?
            if let n = m.optional("priority") { priority = ctx.int(n, m.child("priority"), in: 0...65_535) }
            guard let type, let value else { continue }
            if type == .MX && priority == nil && !m.has("priority") {
                ctx.error(item, m.child("priority"), "missing required key 'priority' (MX records need a preference)")
                continue
            }
            if type != .MX, m.has("priority") {
                ctx.error(m.keyNode("priority")!, m.child("priority"), "priority applies to MX records only")
                continue
            }
            let record = ExtraRecord(name: name, type: type, ttl: ttl, priority: priority, value: value, location: ctx.location(item))
            // The value's shape does not depend on the zone: check it once, against a stand-in zone.
            let problems = RecordValidator().problems(record.record(in: "zone.invalid", defaultTTL: Defaults.defaultTTL))
                .filter { $0.severity == .error }
            if !problems.isEmpty {
                for p in problems { ctx.error(m.required("value") ?? item, m.child("value"), p.message) }
                continue
            }
            out.append(record)
        }
        return out
    }
}
