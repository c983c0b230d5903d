import Foundation
import Store

/// `reconcile capacity`: per group and day, the queued demand against what
/// every limit allows, naming the one that binds (sending.md §4.3).
public enum CapacityReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, days: Int, now: Double) throws -> String {
        let pending = try store.pendingMessages()
        let health = try store.mailboxHealth()
        // The windows that gate each group's queue: its campaigns' (in their
        // zones), or with nothing queued the group's own `limits.window`.
        var campaignCache: [String: Campaign] = [:]
        for m in pending where campaignCache[m.campaign] == nil {
            if let r = try store.campaign(id: m.campaign), let c = try? Campaign.from(record: r) { campaignCache[m.campaign] = c }
        }
        var windows: [String: Set<WindowKey>] = [:]
        for m in pending {
            guard let c = campaignCache[m.campaign] else { continue }
            windows[m.group, default: []].insert(WindowKey(window: c.window, zone: c.defaultTimeZone))
        }
        let start = UTCDay.startOfDay(now)
        var lines = ["capacity for \(days) day\(days == 1 ? "" : "s") from \(UTCDay.format(start)) (UTC days; expected values for random pauses)"]
        var fleetDemand = 0, fleetCapacity = 0.0
        for g in fleet.groups {
            var demand = pending.filter { $0.group == g.name }.count
            let gates = windows[g.name].map { $0.sorted { $0.text < $1.text } } ?? [WindowKey(window: g.effectiveWindow, zone: g.effectiveWindowZone)]
            let active = fleet.mailboxes.filter { $0.group == g.name && $0.role == .active && (health[$0.address]?.enabled ?? true) }.count
            let source = windows[g.name] == nil ? "sending window" : "campaign window\(gates.count == 1 ? "" : "s")"
            lines.append("group \(g.name): \(active) active mailboxes, hourly cap \(g.hourlyCap), pause \(g.pause), "
                         + "\(source) \(gates.map(\.text).joined(separator: "; "))")
            fleetDemand += demand
            for d in 0..<days {
                let dayStart = start + Double(d) * 86_400
                let open = gates.map { $0.openHours(from: dayStart, hours: 24) }.max() ?? 24
                let c = CapacityModel.group(g, fleet: fleet, health: health, start: dayStart, hours: 24, openHours: open)
                let cap = c.capacity
                fleetCapacity += cap
                let shortfall = Double(demand) - cap
                var line = "  \(UTCDay.format(dayStart)): demand \(demand), capacity \(Int(cap.rounded()))"
                if c.binding == .groupPause { line += " (\(Int(c.pauseRange.low.rounded()))–\(Int(c.pauseRange.high.rounded())))" }
                line += shortfall > 0 ? ", shortfall \(Int(shortfall.rounded()))" : ", fits"
                line += "; binding: \(explain(c, g))"
                lines.append(line)
                let parts = BlockReason.allCases.compactMap { r in c.byLimit[r].map { "\(r.rawValue) \(Int($0.rounded()))" } }
                lines.append("    every limit alone: " + parts.joined(separator: " | "))
                demand = max(0, demand - Int(cap.rounded()))
            }
        }
        lines.append("fleet: demand \(fleetDemand), capacity \(Int(fleetCapacity.rounded())) over \(days) day\(days == 1 ? "" : "s")")
        return lines.joined(separator: "\n")
    }

    static func explain(_ c: GroupCapacity, _ g: SendingGroup) -> String {
        switch c.binding {
        case .groupPause:
            let lo = Int((3600 / g.pause.upper).rounded()), hi = Int((3600 / g.pause.lower).rounded())
            let under = hi < g.hourlyCap ? ", under its \(g.hourlyCap)/hour cap" : ""
            return "the \(g.pause) group pause caps the group at \(lo)–\(hi) mails/hour\(under)"
        case .hourlyCap: return "the group's \(g.hourlyCap)/hour cap"
        case .dailyCap: return "the mailboxes' daily caps (warmup stage and daily_max)"
        case .mailboxInterval: return "the per-mailbox interval"
        case .noMailbox: return "no enabled active mailbox"
        case .window: return "the sending window is closed all that day"
        case .noDemand: return c.binding.rawValue
        }
    }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    /// A window in the zone it is read in.
    struct WindowKey: Hashable {
        var window: WeeklyWindow
        var zone: String
        var text: String { window.isAlways ? "always open" : "\(window.summary) \(zone)" }
        func openHours(from t: Double, hours: Double) -> Double {
            window.openSeconds(from: t, to: t + hours * 3600, in: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!) / 3600
        }
    }
}
