import DNSRecords

extension CompileRun {
    /// Every record of the domain, sorted; checked for shape and conflicts.
    mutating func records(for d: Domain, path: String, pool: MailgunAccount, zoho: ZohoAccount?,
                          inbound: InboundPolicy, ensure: Presence) -> [DesiredRecord] {
        let ttl = inventory.defaults.ttl
        let region = pool.region
        let dc = zoho?.region
        var managed: [DesiredRecord] = []

        switch inbound {
        case .zoho:
            if let dc { managed += MXSet.zoho(dc, domain: d.name, ttl: ttl).map { DesiredRecord($0, purpose: .mx, location: d.location) } }
        case .mailgunRouting:
            managed += MXSet.mailgun(region, domain: d.name, ttl: ttl).map { DesiredRecord($0, purpose: .mx, location: d.location) }
        }
        if let spf = spfRecord(mailgun: region, zoho: dc, domain: d, reportErrors: ensure == .present) {
            managed.append(DesiredRecord(DNSRecord(name: d.name, type: .TXT, ttl: ttl, value: spf), purpose: .spf, location: d.location))
        }
        if let dmarc = dmarcRecord(domain: d.name) {
            managed.append(DesiredRecord(DNSRecord(name: DMARCRecord.name(for: d.name), type: .TXT, ttl: ttl, value: dmarc),
                                         purpose: .dmarc, location: d.location))
        }
        managed += reportAuthorizations(in: d, ttl: ttl)
        managed.append(DesiredRecord(purpose: .mailgunDKIM,
                                     name: DKIMRecord.name(selector: DesiredMailgunDomain.defaultDKIMSelector, domain: d.name),
                                     type: .TXT, ttl: ttl, value: .afterApply(source: AfterApply.mailgunDKIM), location: d.location))
        if inventory.defaults.tracking.enabled {
            let host = DomainName.absolute(inventory.defaults.tracking.prefix, zone: d.name)
            managed.append(DesiredRecord(DNSRecord(name: host, type: .CNAME, ttl: ttl, value: region.trackingTarget),
                                         purpose: .tracking, location: d.location))
        }
        if zoho != nil {
            managed.append(DesiredRecord(purpose: .zohoDKIM, name: DKIMRecord.name(selector: ZohoRegion.defaultDKIMSelector, domain: d.name),
                                         type: .TXT, ttl: ttl, value: .afterApply(source: AfterApply.zohoDKIM), location: d.location))
            managed.append(DesiredRecord(purpose: .zohoVerification, name: d.name, type: .TXT, ttl: ttl,
                                         value: .afterApply(source: AfterApply.zohoVerificationCode), location: d.location))
        }
        for i in managed.indices { managed[i].ensure = ensure }

        // The operator's records stay whatever the role: they are not mail resources.
        var extras: [(record: DesiredRecord, path: String)] = []
        for (i, x) in inventory.defaults.extraRecords.enumerated() {
            extras.append((DesiredRecord(x.record(in: d.name, defaultTTL: ttl), purpose: .extra, location: x.location), "defaults.extra_records[\(i)]"))
        }
        for (i, x) in d.extraRecords.enumerated() {
            extras.append((DesiredRecord(x.record(in: d.name, defaultTTL: ttl), purpose: .extra, location: x.location), "\(path).extra_records[\(i)]"))
        }

        for r in managed where r.ensure == .present { check(r, path: path) }
        for (r, p) in extras { check(r, path: p) }

        let present = managed.filter { $0.ensure == .present } + extras.map(\.record)
        let placeholders = present.map { r in
            DNSRecord(name: r.name, type: r.type, ttl: r.ttl, priority: r.priority, value: r.value.known ?? r.value.description)
        }
        for p in ConflictChecker.problems(placeholders, zone: d.name) {
            // Blame the operator's record at that name: the managed ones are fixed.
            if let x = extras.first(where: { $0.record.name == p.name }) {
                error(x.record.location, x.path, "\(p.name ?? d.name): \(p.message)")
            } else {
                error(d.location, path, "\(p.name ?? d.name): \(p.message)")
            }
        }
        return (managed + extras.map(\.record)).sorted()
    }

    private mutating func check(_ r: DesiredRecord, path: String) {
        let problems = r.record.map(compiler.validator.problems) ?? HostName.problems(r.name)
        for p in problems.errors { error(r.location, path, "record \(r): \(p.message)") }
    }

    /// The merged SPF text, or nil (with a located error) when it cannot be
    /// published. It depends only on the providers, so it is built once per
    /// (region, data centre) pair; its problems are reported once too.
    private mutating func spfRecord(mailgun: MailgunRegion, zoho: ZohoRegion?, domain d: Domain, reportErrors: Bool) -> String? {
        let key = mailgun.rawValue + "/" + (zoho?.rawValue ?? "-") + (reportErrors ? "" : "/quiet")
        if let cached = spfCache[key] { return cached }
        let text = buildSPF(mailgun: mailgun, zoho: zoho, domain: d, reportErrors: reportErrors)
        spfCache[key] = .some(text)
        return text
    }

    private mutating func buildSPF(mailgun: MailgunRegion, zoho: ZohoRegion?, domain d: Domain, reportErrors: Bool) -> String? {
        let policy = inventory.defaults.spf
        let qualifier = SPFQualifier(rawValue: policy.qualifier.rawValue) ?? .softfail
        let includes = policy.includes
        let builder = SPFBuilder(mailgun: mailgun, zoho: zoho, includes: includes.map { .init($0.domain, lookups: $0.lookups) },
                                 qualifier: qualifier, costs: compiler.spfCosts)
        do {
            let built = try builder.build()
            for w in built.warnings where reportErrors {
                warning(includes.last?.location ?? inventory.defaults.location, "defaults.spf.includes", "\(built.text): \(w.message)")
            }
            return built.text
        } catch {
            guard reportErrors else { return nil }
            if error.code == .spfUnknownIncludeCost,
               let (i, inc) = includes.enumerated().first(where: { compiler.spfCosts.cost(of: $0.element.domain, explicit: $0.element.lookups) == nil }) {
                self.error(inc.location, "defaults.spf.includes[\(i)]", error.message)
            } else {
                self.error(includes.last?.location ?? d.location, includes.isEmpty ? "defaults.spf" : "defaults.spf.includes", error.message)
            }
            return nil
        }
    }

    /// The DMARC text from the fleet's policy, or nil (with a located error).
    /// The same for every domain: built and checked once.
    private mutating func dmarcRecord(domain: String) -> String? {
        if let cached = dmarcCache { return cached }
        let text = buildDMARC(domain: domain)
        dmarcCache = .some(text)
        return text
    }

    private mutating func buildDMARC(domain: String) -> String? {
        let p = inventory.defaults.dmarc
        var record = DMARCRecord(policy: DMARCRecord.Policy(rawValue: p.policy.rawValue) ?? .none)
        record.subdomainPolicy = p.subdomainPolicy.flatMap { DMARCRecord.Policy(rawValue: $0.rawValue) }
        do {
            record.rua = try p.rua.map { u throws(DNSProblem) in try DMARCReportURI.parse(u, tag: "rua") }
            record.ruf = try p.ruf.map { u throws(DNSProblem) in try DMARCReportURI.parse(u, tag: "ruf") }
        } catch {
            self.error(p.location, "defaults.dmarc", error.message)
            return nil
        }
        // Only what differs from RFC 7489's defaults, to keep the record short.
        if p.pct != 100 { record.pct = p.pct }
        if p.adkim == .strict { record.adkim = .strict }
        if p.aspf == .strict { record.aspf = .strict }
        let text = record.description
        for e in DMARCLinter.lint(text, domain: domain).errors { self.error(p.location, "defaults.dmarc", e.message) }
        return text
    }
}
