/// Merges the files' contributions into one `Inventory` and runs the checks
/// that span files: unique names, resolvable references, inbound accounts.
struct InventoryMerger {
    private(set) var diagnostics: [Diagnostic] = []

    private mutating func error(_ at: SourceLocation, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.error, at: at, path: path, message))
    }

    private mutating func warning(_ at: SourceLocation, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(.warning, at: at, path: path, message))
    }

    mutating func merge(_ parts: [FileContribution], files: [String]) -> Inventory {
        var accounts: [String: Account] = [:]
        var broken: Set<String> = []
        var schedules: [String: WarmupSchedule] = [:]
        var defaults: Located<Defaults>?
        var limits: Located<Limits>?
        var alerts: Located<Alerts>?
        var monitoring: Located<Monitoring>?
        var safety: Located<Safety>?
        var costs: Located<Costs>?
        var state: Located<String>?
        var groups: [String: Group] = [:]
        var defaultsInboundExplicit = false

        func once<T>(_ slot: inout Located<T>?, _ new: Located<T>?, _ merger: inout InventoryMerger) {
            guard let new else { return }
            if let first = slot {
                merger.error(new.location, new.path, "'\(new.path)' is defined twice (first at \(first.location))")
            } else { slot = new }
        }

        for part in parts {
            for a in part.accounts {
                if let first = accounts[a.name] {
                    error(a.location, "accounts.\(a.name)", "account '\(a.name)' is defined twice (first at \(first.location))")
                } else { accounts[a.name] = a }
            }
            broken.formUnion(part.brokenAccounts)
            for s in part.warmup {
                if let first = schedules[s.name] {
                    error(s.location, "warmup.\(s.name)", "warmup schedule '\(s.name)' is defined twice (first at \(first.location))")
                } else { schedules[s.name] = s }
            }
            if part.defaults != nil && defaults == nil {
                defaultsInboundExplicit = part.defaultsInboundExplicit
            }
            once(&defaults, part.defaults, &self)
            once(&limits, part.limits, &self)
            once(&alerts, part.alerts, &self)
            once(&monitoring, part.monitoring, &self)
            once(&safety, part.safety, &self)
            once(&costs, part.costs, &self)
            once(&state, part.state, &self)
            for g in part.groups {
                if let first = groups[g.name] {
                    error(g.location, "group", "group '\(g.name)' is defined twice (first at \(first.location))")
                } else { groups[g.name] = g }
            }
        }

        checkReferences(parts.flatMap(\.references), accounts: accounts, broken: broken, schedules: schedules)
        checkDomains(parts.flatMap(\.domainSites))

        // `inbound: zoho` without an account means "the" zoho account.
        let zohoAccounts = accounts.values.filter { $0.kind == .zoho }.map(\.name).sorted()
        let shorthands = parts.flatMap(\.zohoShorthands)
        let implicitUsers = defaultsInboundExplicit ? [] : parts.flatMap(\.domainSites).filter(\.usesDefaultInbound)
        if zohoAccounts.count != 1 {
            let why = zohoAccounts.isEmpty
                ? "inbound zoho needs a zoho account under accounts"
                : "several zoho accounts (\(zohoAccounts.joined(separator: ", "))): name one with { mode: zoho, account: NAME }"
            for s in shorthands { error(s.location, s.path, why) }
            if let first = implicitUsers.first {
                error(first.location, first.path, "no inbound mode: the default is zoho, but \(zohoAccounts.isEmpty ? "there is no zoho account" : "there are several zoho accounts"); set defaults.inbound or the domain's inbound")
            }
        }
        let zoho = zohoAccounts.count == 1 ? zohoAccounts[0] : ""
        func fill(_ p: InboundPolicy) -> InboundPolicy {
            if case .zoho(let a) = p, a.isEmpty { return .zoho(account: zoho) }
            return p
        }

        // A section nobody wrote is located at the top of the first fleet
        // file, so that a later complaint about it still names a place to write it.
        let home = SourceLocation(file: parts.first(where: \.isFleetFile)?.file ?? files.first ?? "inventory", line: 1, column: 1)
        var d = defaults?.value ?? Defaults(inbound: .zoho(account: ""), dmarc: DMARCPolicy(location: home), location: home)
        d.inbound = fill(d.inbound)
        let lim = limits?.value ?? Limits(location: home)
        let sortedGroups = groups.values.sorted { $0.name < $1.name }.map { g -> Group in
            var g = g
            for i in g.domains.indices { g.domains[i].inbound = g.domains[i].inbound.map(fill) }
            return g
        }

        for s in schedules.values.sorted(by: { $0.name < $1.name }) {
            for (i, st) in s.stages.enumerated() where st.daily > lim.mailbox.dailyMax {
                warning(st.location, "warmup.\(s.name)[\(i)].daily",
                        "cap \(st.daily) is above limits.mailbox.daily_max \(lim.mailbox.dailyMax), which wins")
            }
        }
        if sortedGroups.isEmpty, let f = files.first {
            warning(SourceLocation(file: f, line: 1, column: 1), "groups", "no groups: nothing to reconcile")
        }

        return Inventory(accounts: accounts, defaults: d, warmupSchedules: schedules.filter { !$0.value.stages.isEmpty },
                         limits: lim, alerts: alerts?.value ?? Alerts(), monitoring: monitoring?.value ?? Monitoring(location: home),
                         safety: safety?.value ?? Safety(location: home), groups: sortedGroups, files: files,
                         costs: costs?.value ?? Costs(location: home), state: state?.value)
    }

    private mutating func checkReferences(_ refs: [Reference], accounts: [String: Account], broken: Set<String>,
                                          schedules: [String: WarmupSchedule]) {
        for r in refs {
            switch r.target {
            case .schedule:
                guard schedules[r.name] == nil else { continue }
                error(r.location, r.path, "unknown warmup schedule '\(r.name)'\(Suggest.hint(r.name, schedules.keys))")
            case .account(let kinds, let role):
                guard !broken.contains(r.name) else { continue }
                guard let a = accounts[r.name] else {
                    let candidates = accounts.values.filter { kinds.contains($0.kind) }.map(\.name)
                    error(r.location, r.path, "unknown account '\(r.name)'\(Suggest.hint(r.name, candidates.isEmpty ? Array(accounts.keys) : candidates))")
                    continue
                }
                if !kinds.contains(a.kind) {
                    let expected = Suggest.list(kinds.map(\.rawValue))
                    error(r.location, r.path, "account '\(r.name)' is a \(a.kind) account; \(role) must be a \(expected) account")
                }
            }
        }
    }

    /// Domain names are unique across the fleet, compared without case.
    private mutating func checkDomains(_ sites: [DomainSite]) {
        var first: [String: DomainSite] = [:]
        for s in sites {
            guard let f = first[s.name] else {
                first[s.name] = s
                continue
            }
            if f.group != s.group {
                error(s.location, s.path, "domain '\(s.name)' is in two groups: '\(f.group)' (at \(f.location)) and '\(s.group)'")
            } else {
                error(s.location, s.path, "duplicate domain '\(s.name)' (first at \(f.location))")
            }
        }
    }
}
