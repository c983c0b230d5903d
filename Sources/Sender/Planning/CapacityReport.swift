import Foundation
import Store

/// `reconcile capacity`: per group and day, the queued demand against what
/// every limit allows, naming the one that binds (sending.md §4.3).
public enum CapacityReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, days: Int, now: Double) throws -> String {
        let pending = try store.pendingMessages()
        let health = try store.mailboxHealth()
        let windows = try CampaignWindows(pending: pending, store: store)
        let start = UTCDay.startOfDay(now)
        var lines = ["capacity for \(days) day\(days == 1 ? "" : "s") from \(UTCDay.format(start)) (UTC days; expected values for random pauses)"]
        var fleetDemand = 0, fleetCapacity = 0.0
        for g in fleet.groups {
            var demand = pending.filter { $0.group == g.name }.count
            let wh = windows.hours[g.name] ?? 24
            let active = fleet.mailboxes.filter { $0.group == g.name && $0.role == .active && (health[$0.address]?.enabled ?? true) }.count
            lines.append("group \(g.name): \(active) active mailboxes, hourly cap \(g.hourlyCap), pause \(g.pause), sending window \(format(wh)) h/day")
            fleetDemand += demand
            for d in 0..<days {
                let dayStart = start + Double(d) * 86_400
                let c = dayCapacity(g, fleet: fleet, health: health, dayStart: dayStart, windows: windows)
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

    /// One group's capacity on one UTC day under the queued campaigns' windows.
    public static func dayCapacity(_ g: SendingGroup, fleet: SendingFleet, health: [String: MailboxHealthRecord],
                                   dayStart: Double, windows: CampaignWindows) -> GroupCapacity {
        // Calendar weekday of this UTC day (1970-01-01 was a Thursday; 1 = Sunday).
        let weekday = ((Int(dayStart / 86_400) + 4) % 7 + 7) % 7 + 1
        let open = windows.days[g.name].map { $0.contains(weekday) } ?? true
        var c = CapacityModel.group(g, fleet: fleet, health: health, start: dayStart, hours: 24,
                                    windowHours: open ? windows.hours[g.name] ?? 24 : 0)
        if !open { c.byLimit = [.window: 0] }
        return c
    }

    /// Today's capacity of every group (the status page).
    public static func today(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> [String: GroupCapacity] {
        let windows = try CampaignWindows(pending: try store.pendingMessages(), store: store)
        let health = try store.mailboxHealth()
        var out: [String: GroupCapacity] = [:]
        for g in fleet.groups {
            out[g.name] = dayCapacity(g, fleet: fleet, health: health, dayStart: UTCDay.startOfDay(now), windows: windows)
        }
        return out
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
        case .window: return "the campaigns' sending window is closed that day"
        case .noDemand: return c.binding.rawValue
        }
    }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
}

/// Per group, the sending window of its queued campaigns: the longest day
/// and the union of their weekdays.
public struct CampaignWindows: Sendable {
    public var hours: [String: Double] = [:]
    public var days: [String: Set<Int>] = [:]

    public init(pending: [OutboxMessage], store: any SendingStore) throws {
        var campaigns: [String: Campaign] = [:]
        for m in pending where campaigns[m.campaign] == nil {
            if let r = try store.campaign(id: m.campaign), let c = try? Campaign.from(record: r) { campaigns[m.campaign] = c }
        }
        for m in pending {
            hours[m.group] = max(hours[m.group] ?? 0, campaigns[m.campaign]?.window.hoursPerDay ?? 24)
            days[m.group, default: []].formUnion(campaigns[m.campaign]?.window.weekdays ?? [1, 2, 3, 4, 5, 6, 7])
        }
    }
}
