/// The whole fleet as the operator wrote it, merged from every `*.yaml` file
/// of the inventory directory and checked by the loader: every reference
/// resolves, names are unique, ranges are non-empty.
public struct Inventory: Sendable, Hashable, Codable {
    /// By name.
    public var accounts: [String: Account]
    public var defaults: Defaults
    /// By name.
    public var warmupSchedules: [String: WarmupSchedule]
    public var limits: Limits
    public var alerts: Alerts
    public var monitoring: Monitoring
    /// Sorted by name.
    public var groups: [Group]
    /// Apply thresholds (`safety:`).
    public var safety: Safety
    /// The files that were read, sorted.
    public var files: [String]
    /// The price table of `reconcile cost` (`costs:`).
    public var costs: Costs
    /// `state:`: the state's file path or `postgres://USER@HOST:PORT/DB`,
    /// used when neither `--state` nor `RECONCILE_STATE` is given.
    public var state: String?

    public init(accounts: [String: Account], defaults: Defaults, warmupSchedules: [String: WarmupSchedule] = [:],
                limits: Limits = Limits(), alerts: Alerts = Alerts(), monitoring: Monitoring = Monitoring(),
                safety: Safety = Safety(), groups: [Group], files: [String] = [], costs: Costs = Costs(),
                state: String? = nil) {
        self.accounts = accounts
        self.defaults = defaults
        self.warmupSchedules = warmupSchedules
        self.limits = limits
        self.alerts = alerts
        self.monitoring = monitoring
        self.safety = safety
        self.groups = groups
        self.files = files
        self.costs = costs
        self.state = state
    }

    // MARK: - Lookups

    /// Accounts sorted by name.
    public var sortedAccounts: [Account] { accounts.values.sorted { $0.name < $1.name } }

    public func account(named name: String) -> Account? { accounts[name] }

    public func group(named name: String) -> Group? { groups.first { $0.name == name } }

    /// Every domain of every group, sorted by name.
    public var domains: [Domain] { groups.flatMap(\.domains).sorted { $0.name < $1.name } }

    public func domain(named name: String) -> Domain? {
        let n = name.lowercased()
        for g in groups { if let d = g.domains.first(where: { $0.name == n }) { return d } }
        return nil
    }

    /// Every mailbox with its context, sorted by address.
    public var mailboxes: [MailboxPlacement] {
        groups.flatMap { g in
            g.domains.flatMap { d in d.mailboxes.map { MailboxPlacement(mailbox: $0, domain: d, group: g) } }
        }.sorted { $0.address < $1.address }
    }

    // MARK: - Effective values (override ∘ defaults)

    /// The group's limits: its overrides applied to the fleet limits.
    public func effectiveLimits(for group: Group) -> Limits { group.limits.applied(to: limits) }

    /// The domain's inbound policy: its own, else the fleet default.
    public func effectiveInbound(for domain: Domain) -> InboundPolicy { domain.inbound ?? defaults.inbound }

    /// The domain's web forwarding: its own `web:`, else its group's, else the
    /// fleet default; nil (or `none`) leaves the domain's web alone.
    public func effectiveWeb(for domain: Domain) -> WebForwarding? {
        let policy = domain.web ?? group(named: domain.group)?.web ?? defaults.web
        if case .forward(let f)? = policy { return f }
        return nil
    }

    /// The Mailgun account that sends for the domain (its group's pool).
    public func pool(for domain: Domain) -> Account? {
        group(named: domain.group).flatMap { accounts[$0.pool] }
    }

    /// The master secret for the SMTP passwords of a pool's credentials.
    public func smtpPasswordSecret(forPool pool: Account) -> SecretRef? {
        pool.mailgun?.smtpPasswordSecret ?? defaults.smtpPasswordSecret
    }

    /// Extra records of the domain: the fleet's, then the domain's own.
    public func effectiveExtraRecords(for domain: Domain) -> [ExtraRecord] {
        defaults.extraRecords + domain.extraRecords
    }

    public func warmupSchedule(for domain: Domain) -> WarmupSchedule? {
        domain.warmup.flatMap { warmupSchedules[$0.schedule] }
    }

    /// How many messages one mailbox of `domain` may send on `date`: the
    /// warmup cap (0 before the start) bounded by the group's `daily_max`;
    /// 0 for spare and retired domains, which are not in rotation.
    public func dailyCap(forMailboxOf domain: Domain, on date: CalendarDate) -> Int {
        guard domain.role == .active, let g = group(named: domain.group) else { return 0 }
        let max = effectiveLimits(for: g).mailbox.dailyMax
        guard let w = domain.warmup, let s = warmupSchedules[w.schedule] else { return max }
        return min(max, s.dailyCap(on: date, started: w.started))
    }
}

/// A mailbox with the domain and group it belongs to.
public struct MailboxPlacement: Sendable, Hashable {
    public var mailbox: Mailbox
    public var domain: Domain
    public var group: Group

    public var address: String { mailbox.address(in: domain.name) }
}
