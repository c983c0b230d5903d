/// Counts that `reconcile validate` prints: what the inventory describes,
/// by group, role, registrar, region and inbound mode.
public struct InventorySummary: Sendable, Hashable, Codable {
    public struct GroupLine: Sendable, Hashable, Codable {
        public var name: String
        public var pool: String
        public var region: String
        public var domains: Int
        public var mailboxes: Int
        public var hourly: Int
        public var dailyMax: Int
    }

    /// Domains and mailboxes counted under one key.
    public struct Count: Sendable, Hashable, Codable {
        public var domains = 0
        public var mailboxes = 0
    }

    public var files: Int
    public var accounts: Int
    public var groups: [GroupLine]
    public var domains: Int
    public var mailboxes: Int
    /// Keyed by role (`active`, `spare`, `retired`), each present.
    public var byRole: [String: Count]
    /// Keyed by registrar kind (`porkbun`, `namecheap`).
    public var byRegistrar: [String: Count]
    /// Keyed by Mailgun region of the group's pool (`us`, `eu`).
    public var byRegion: [String: Count]
    /// Keyed by inbound mode (`zoho`, `mailgun-routing`).
    public var byInbound: [String: Count]
    public var warmupSchedules: [String]

    public init(_ inv: Inventory) {
        files = inv.files.count
        accounts = inv.accounts.count
        warmupSchedules = inv.warmupSchedules.keys.sorted()
        var roles = Dictionary(uniqueKeysWithValues: DomainRole.allCases.map { ($0.rawValue, Count()) })
        var registrars: [String: Count] = [:], regions: [String: Count] = [:], inbound: [String: Count] = [:]
        var lines: [GroupLine] = []
        var d = 0, m = 0
        for g in inv.groups {
            let pool = inv.accounts[g.pool]
            let region = pool?.mailgun?.region.rawValue ?? "?"
            let limits = inv.effectiveLimits(for: g)
            lines.append(GroupLine(name: g.name, pool: g.pool, region: region, domains: g.domains.count,
                                   mailboxes: g.mailboxCount, hourly: limits.group.hourly, dailyMax: limits.mailbox.dailyMax))
            for dom in g.domains {
                let n = dom.mailboxes.count
                d += 1; m += n
                roles[dom.role.rawValue, default: Count()].add(n)
                registrars[inv.accounts[dom.registrar]?.kind.rawValue ?? dom.registrar, default: Count()].add(n)
                regions[region, default: Count()].add(n)
                inbound[inv.effectiveInbound(for: dom).mode.rawValue, default: Count()].add(n)
            }
        }
        groups = lines
        domains = d
        mailboxes = m
        byRole = roles
        byRegistrar = registrars
        byRegion = regions
        byInbound = inbound
    }
}

extension InventorySummary.Count {
    mutating func add(_ mailboxes: Int) {
        domains += 1
        self.mailboxes += mailboxes
    }
}
