import DNSRecords

/// Compiles a loaded `Inventory` into the `DesiredState`.
///
/// Runs the DNS checks that need the whole picture (the merged SPF record
/// and its lookup count, DMARC values, every record's shape, and conflicts
/// between managed and extra records) and reports problems at the inventory
/// node they came from. The same problem across many domains (a fleet-wide
/// include that pushes SPF over the limit) is reported once.
public struct DesiredStateCompiler: Sendable {
    public var spfCosts: SPFLookupCosts
    public var validator: RecordValidator
    /// How many runs of domains are compiled side by side (the result is the same for any number).
    public var parts: Int

    public init(spfCosts: SPFLookupCosts = .known, validator: RecordValidator = RecordValidator(), parts: Int = parallelParts) {
        self.spfCosts = spfCosts
        self.validator = validator
        self.parts = parts
    }

    public static func compile(_ inventory: Inventory) throws(InventoryError) -> DesiredState {
        try DesiredStateCompiler().compile(inventory)
    }

    public func compile(_ inventory: Inventory) throws(InventoryError) -> DesiredState {
        // Each domain compiles on its own (the fleet-wide SPF and DMARC values
        // are cached per run, so each part computes them once and reports
        // their problems identically: the diagnostics are deduplicated below).
        let work = inventory.groups.indices.flatMap { g in inventory.groups[g].domains.indices.map { (group: g, index: $0) } }
        let results = concurrentMap(work.contiguousParts(parts)) { part in
            var run = CompileRun(inventory: inventory, compiler: self)
            var domains: [DesiredDomain] = []
            var mailboxes: [DesiredMailbox] = []
            for (g, index) in part {
                let group = inventory.groups[g]
                guard let compiled = run.domain(group.domains[index], index: index, group: group) else { continue }
                domains.append(compiled.domain)
                mailboxes += compiled.mailboxes
            }
            return (domains: domains, mailboxes: mailboxes, diagnostics: run.diagnostics)
        }
        var run = CompileRun(inventory: inventory, compiler: self)
        var domains: [DesiredDomain] = []
        var mailboxes: [DesiredMailbox] = []
        for part in results {
            domains += part.domains
            mailboxes += part.mailboxes
            run.diagnostics += part.diagnostics
        }
        run.warnUnauthorizedReportDestinations()
        let diagnostics = Array(Set(run.diagnostics)).sorted()
        if diagnostics.contains(where: { $0.severity == .error }) { throw InventoryError(diagnostics) }
        return DesiredState(domains: domains.sorted { $0.name < $1.name },
                            mailboxes: mailboxes.sorted { $0.address < $1.address },
                            warnings: diagnostics)
    }
}

/// The mutable part of one compile: the inventory and the problems found so far.
struct CompileRun {
    let inventory: Inventory
    let compiler: DesiredStateCompiler
    var diagnostics: [Diagnostic] = []
    /// Fleet-wide records, computed once (see `spfRecord`, `dmarcRecord`).
    var spfCache: [String: String?] = [:]
    var dmarcCache: String?? = nil

    init(inventory: Inventory, compiler: DesiredStateCompiler) {
        self.inventory = inventory
        self.compiler = compiler
    }

    mutating func error(_ at: SourceLocation, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: at, path: path, message))
    }

    mutating func warning(_ at: SourceLocation, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: at, path: path, message))
    }

    mutating func domain(_ d: Domain, index: Int, group: Group) -> (domain: DesiredDomain, mailboxes: [DesiredMailbox])? {
        let path = "domains[\(index)]"
        guard let poolAccount = inventory.account(named: group.pool), let pool = poolAccount.mailgun else {
            error(group.location, "pool", "group '\(group.name)' has no mailgun pool account '\(group.pool)'")
            return nil
        }
        guard let registrar = inventory.account(named: d.registrar), registrar.isRegistrar else {
            error(d.location, path + ".registrar", "'\(d.registrar)' is not a registrar account")
            return nil
        }
        let inbound = inventory.effectiveInbound(for: d)
        var zohoAccount: (name: String, settings: ZohoAccount)?
        if case .zoho(let name) = inbound {
            guard let z = inventory.account(named: name)?.zoho else {
                error(d.location, path + ".inbound", "inbound zoho account '\(name)' is not a zoho account")
                return nil
            }
            zohoAccount = (name, z)
        }
        let ensure: Presence = d.role == .retired ? .absent : .present
        let addresses = d.mailboxes.map { $0.address(in: d.name) }.sorted()

        let records = self.records(for: d, path: path, pool: pool, zoho: zohoAccount?.settings, inbound: inbound, ensure: ensure)

        // Mailgun: deleting the domain removes its credentials and webhooks,
        // so a retired domain lists only what outlives it (routes).
        let secret = inventory.smtpPasswordSecret(forPool: poolAccount)
        if secret == nil && ensure == .present {
            warning(poolAccount.location, "accounts.\(poolAccount.name).smtp_password_secret",
                    "no SMTP password secret for pool '\(poolAccount.name)' or in defaults: its credentials cannot be derived")
        }
        var webhooks: [DesiredWebhook] = []
        let root = inventory.monitoring.publicBaseURL.flatMap { base in
            base.isEmpty ? nil : base.hasSuffix("/") ? String(base.dropLast()) : base
        }
        if ensure == .present {
            if let root {
                let events = DesiredWebhook.events + (inventory.defaults.tracking.enabled ? DesiredWebhook.trackingEvents : [])
                webhooks = events.sorted().map { DesiredWebhook(event: $0, url: root + DesiredWebhook.path, ensure: .present) }
            } else {
                error(inventory.monitoring.location, "monitoring.public_base_url",
                      "Mailgun webhooks need monitoring.public_base_url: bounces and complaints arrive there and drive suppression")
            }
        }
        var routes: [DesiredRoute] = []
        if case .mailgunRouting(let target) = inbound {
            routes = addresses.map { DesiredRoute.forwarding($0, to: target, inboundURL: root.map { $0 + DesiredRoute.inboundPath }, ensure: ensure) }
        }
        let mailgun = DesiredMailgunDomain(
            ensure: ensure, account: poolAccount.name, region: pool.region,
            trackingPrefix: inventory.defaults.tracking.enabled ? inventory.defaults.tracking.prefix : nil,
            smtpCredentials: ensure == .present ? addresses.map { DesiredSMTPCredential(ensure: .present, login: $0, passwordSecret: secret) } : [],
            webhooks: webhooks, routes: routes)

        let zoho = zohoAccount.map { z in
            DesiredZohoDomain(ensure: ensure, account: z.name, region: z.settings.region, orgID: z.settings.orgID,
                              users: d.mailboxes.map { DesiredZohoUser(ensure: ensure, address: $0.address(in: d.name), displayName: $0.displayName) }
                                  .sorted { $0.address < $1.address })
        }

        let warmup: DesiredWarmup? = d.warmup.flatMap { w in
            inventory.warmupSchedules[w.schedule].map { DesiredWarmup(schedule: w.schedule, started: w.started, stages: $0.stages) }
        }
        let mailboxes = d.mailboxes.map { m in
            DesiredMailbox(address: m.address(in: d.name), local: m.local, domain: d.name, displayName: m.displayName,
                           group: group.name, role: d.role, inRotation: d.role == .active, warmup: warmup,
                           inbound: inbound.mode, location: m.location)
        }
        let web = inventory.effectiveWeb(for: d).map { DesiredWeb(forwards: $0.forwards, location: $0.location) }
        if let web { checkWebConflicts(web, records: records, domain: d.name, path: path) }
        let domain = DesiredDomain(
            name: d.name, group: group.name, role: d.role, inRotation: d.role == .active, inbound: inbound.mode,
            registration: DesiredRegistration(account: registrar.name, registrar: registrar.kind,
                                              autoRenew: d.autoRenew ?? group.autoRenew ?? inventory.defaults.autoRenew),
            records: records, mailgun: mailgun, zoho: zoho,
            web: web,
            location: d.location)
        return (domain, mailboxes)
    }

    /// A forwarded host is served by the registrar (its own ALIAS/CNAME or
    /// redirect row): an address or alias record the inventory declares there
    /// would fight it.
    mutating func checkWebConflicts(_ web: DesiredWeb, records: [DesiredRecord], domain: String, path: String) {
        for f in web.forwards {
            let name = f.host == "@" ? domain : "\(f.host).\(domain)"
            for r in records where r.ensure == .present && r.name == name && [.A, .AAAA, .CNAME].contains(r.type) {
                error(r.location, path + ".extra_records",
                      "\(r.type.rawValue) record at \(f.host) conflicts with the web forward there (\(web.location)): remove one")
            }
        }
    }
}
