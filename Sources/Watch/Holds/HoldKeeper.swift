import Store

/// Writes one watcher's verdict: its source's holds replaced by `wanted`,
/// and one alert per held domain (`<keyPrefix>:<domain>`) opened, the ones
/// no longer held cleared. Alerts are reconciled against the open
/// conditions, not the hold changes, so a crash between the two writes is
/// repaired by the next round.
public struct HoldKeeper: Sendable {
    public let sending: any SendingStore
    public let alerts: AlertStore

    public init(sending: any SendingStore, alerts: AlertStore) { self.sending = sending; self.alerts = alerts }

    /// `wanted`: domain → hold reason; `openText(domain, reason)` the alert's
    /// words; `clearText(domain)` the clearing's.
    @discardableResult
    public func apply(source: DomainHoldSource, wanted: [String: String], keyPrefix: String, at: Double,
                      openText: (String, String) -> String, clearText: (String) -> String) throws -> DomainHoldChanges {
        let changes = try sending.replaceDomainHolds(source: source, with: wanted, at: at)
        for (domain, reason) in wanted.sorted(by: { $0.key < $1.key }) {
            try alerts.apply(.open(key: "\(keyPrefix):\(domain.lowercased())", summary: openText(domain.lowercased(), reason)), at: at)
        }
        let held = Set(wanted.keys.map { $0.lowercased() })
        for c in try alerts.openConditions() where c.key.hasPrefix(keyPrefix + ":") {
            let domain = String(c.key.dropFirst(keyPrefix.count + 1))
            if !held.contains(domain) { try alerts.apply(.clear(key: c.key, summary: clearText(domain)), at: at) }
        }
        return changes
    }

    /// A watcher's round: `apply` with the pause alert's words — the reason,
    /// what lifts the pause (`until`), and the group's spare domains ready
    /// (spares no source holds nor this round pauses) — logged as `label`.
    @discardableResult
    public func pause(source: DomainHoldSource, wanted: [String: String], keyPrefix: String, domains: [WatchedDomain], at: Double,
                      until: String, cleared: String, label: String, log: (String) -> Void) throws -> DomainHoldChanges {
        let unavailable = Set(try sending.domainHolds().filter { $0.source != source }.map(\.domain)).union(wanted.keys)
        let groupOf = Dictionary(domains.map { ($0.name, $0.group) }, uniquingKeysWith: { a, _ in a })
        let changes = try apply(source: source, wanted: wanted, keyPrefix: keyPrefix, at: at,
            openText: { domain, reason in
                let spares = groupOf[domain].map { WatchedDomain.sparesLine(group: $0, in: domains, unavailable: unavailable) } ?? ""
                return "domain \(domain) \(reason): its mailboxes are paused until \(until); \(spares)"
            },
            clearText: { "domain \($0) \(cleared): its mailboxes send again" })
        for h in changes.placed { log("\(label): paused \(h.domain): \(h.reason)") }
        for h in changes.released { log("\(label): released \(h.domain)") }
        return changes
    }

    /// This source's current holds: domain → reason.
    public func current(_ source: DomainHoldSource) throws -> [String: String] {
        Dictionary(try sending.domainHolds().filter { $0.source == source }.map { ($0.domain, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }
}
