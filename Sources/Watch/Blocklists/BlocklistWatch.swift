import Foundation
import Inventory
import Providers
import ServiceLifecycle
import Store

/// `serve`'s blocklist watcher: every `interval` each active and spare
/// domain is looked up on every `monitoring.blocklists` zone. A listed
/// domain is paused (a `.blocklist` hold: its mailboxes send nothing) with
/// one alert `blocklisted:DOMAIN` naming the lists and the group's spare
/// domains; it is released, and the alert cleared, when no list lists it.
/// An unknown answer neither pauses nor releases.
public struct BlocklistWatch: Service {
    public static let alertPrefix = "blocklisted"
    public static let uncheckedPrefix = "blocklist-unchecked"

    public var lookup: BlocklistLookup
    public var lists: [Blocklist]
    public var domains: [WatchedDomain]
    public var keeper: HoldKeeper
    public var interval: Double
    public var environment: [String: String]
    let clock: any FleetClock
    let log: @Sendable (String) -> Void

    public init(lookup: BlocklistLookup, lists: [Blocklist], domains: [WatchedDomain], keeper: HoldKeeper, interval: Double,
                environment: [String: String], clock: any FleetClock = SystemClock(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.lookup = lookup; self.lists = lists; self.domains = domains; self.keeper = keeper; self.interval = interval
        self.environment = environment; self.clock = clock; self.log = log
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do { _ = try await round() } catch { log("blocklists: \(error)") }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }

    /// One look at every domain on every list; returns the report and what changed.
    public func round() async throws -> (report: BlocklistLookup.Report, changes: DomainHoldChanges) {
        let report = await lookup.run(domains: domains.map(\.name), lists: lists, environment: environment)
        let now = clock.now()
        let held = try keeper.current(.blocklist)
        var wanted: [String: String] = [:]
        for d in domains {
            let listings = report.listings(d.name)
            if !listings.isEmpty { wanted[d.name] = "listed on " + listings.joined(separator: ", ") }
            // Could not ask: a pause stays until a list is heard to say "not listed".
            else if let reason = held[d.name], report.anyUnknown(d.name) { wanted[d.name] = reason }
        }
        let changes = try keeper.pause(source: .blocklist, wanted: wanted, keyPrefix: Self.alertPrefix, domains: domains, at: now,
                                       until: "it is delisted", cleared: "is no longer listed", label: "blocklists", log: log)
        try uncheckedAlerts(report, at: now)
        return (report, changes)
    }

    /// A list that answered nothing known (a refused key, a blocked resolver)
    /// checks nothing: said once, so "no pause" is not read as "clean".
    func uncheckedAlerts(_ report: BlocklistLookup.Report, at now: Double) throws {
        let unanswered = report.unanswered
        for zone in report.lists {
            let key = "\(Self.uncheckedPrefix):\(zone)"
            if let why = unanswered[zone] {
                try keeper.alerts.apply(.open(key: key, summary: "blocklist \(zone) answered no lookup: \(why); no domain is checked on it"), at: now)
            } else {
                try keeper.alerts.apply(.clear(key: key, summary: "blocklist \(zone) answers again"), at: now)
            }
        }
    }
}
