import Foundation
import Store

/// `reconcile capacity`: per group and day, the queued demand against what
/// every limit allows, naming the one that binds (sending.md §4.3).
public enum CapacityReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, days: Int, now: Double) throws -> String {
        let pending = try store.pendingMessages()
        let health = try store.mailboxHealth()
        let windows = try CampaignWindows(pending: pending, store: store, fleet: fleet)
        let start = UTCDay.startOfDay(now)
        let firstSends = try forecastFirstSends(store: store, fleet: fleet, now: now)
        var lines = ["capacity for \(days) day\(days == 1 ? "" : "s") from \(UTCDay.format(start)) (UTC days; expected values for random pauses)"]
        var fleetDemand = 0, fleetCapacity = 0.0
        for g in fleet.groups {
            var demand = pending.filter { $0.group == g.name }.count
            let gates = windows.gates(for: g)
            let active = fleet.mailboxes.filter { $0.group == g.name && $0.role == .active && (health[$0.address]?.enabled ?? true) }.count
            let source = windows.byGroup[g.name] == nil ? "sending window" : "campaign window\(gates.count == 1 ? "" : "s")"
            lines.append("group \(g.name): \(active) active mailboxes, hourly cap \(g.hourlyCap), pause \(g.pause), "
                         + "\(source) \(gates.map(\.text).joined(separator: "; "))")
            fleetDemand += demand
            for d in 0..<days {
                let dayStart = start + Double(d) * 86_400
                let c = dayCapacity(g, fleet: fleet, health: health, firstSends: firstSends, dayStart: dayStart, windows: windows)
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

    /// One group's capacity on one UTC day, inside the windows that gate its queue.
    public static func dayCapacity(_ g: SendingGroup, fleet: SendingFleet, health: [String: MailboxHealthRecord],
                                   firstSends: [String: Double], dayStart: Double, windows: CampaignWindows) -> GroupCapacity {
        let open = windows.gates(for: g).map { $0.openHours(from: dayStart, hours: 24) }.max() ?? 24
        return CapacityModel.group(g, fleet: fleet, health: health, firstSends: firstSends, start: dayStart, hours: 24, openHours: open)
    }

    /// Each mailbox's first send; one that never sent is forecast to start its warmup clock `now`.
    static func forecastFirstSends(store: any SendingStore, fleet: SendingFleet, now: Double) throws -> [String: Double] {
        var out = try store.firstSends()
        for m in fleet.mailboxes where out[m.address] == nil { out[m.address] = now }
        return out
    }

    /// Today's capacity of every group (the status page).
    public static func today(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> [String: GroupCapacity] {
        let windows = try CampaignWindows(pending: try store.pendingMessages(), store: store, fleet: fleet)
        let health = try store.mailboxHealth()
        let firstSends = try forecastFirstSends(store: store, fleet: fleet, now: now)
        var out: [String: GroupCapacity] = [:]
        for g in fleet.groups {
            out[g.name] = dayCapacity(g, fleet: fleet, health: health, firstSends: firstSends, dayStart: UTCDay.startOfDay(now), windows: windows)
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
        case .window: return "the sending window is closed all that day"
        case .noDemand: return c.binding.rawValue
        }
    }

    static func format(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }
}

/// The windows that gate each group's queue: its queued campaigns' (each in
/// its zone), or with nothing queued the group's own `limits.window`.
public struct CampaignWindows: Sendable {
    /// A window in the zone it is read in.
    public struct Gate: Hashable, Sendable {
        var window: WeeklyWindow
        var zone: String
        var text: String { window.isAlways ? "always open" : "\(window.summary) \(zone)" }
        func openHours(from t: Double, hours: Double) -> Double {
            window.openSeconds(from: t, to: t + hours * 3600, in: TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!) / 3600
        }
    }

    var byGroup: [String: Set<Gate>] = [:]

    /// A campaign that inherits its group's window is read with the group's
    /// current one, as the sender will send it.
    public init(pending: [OutboxMessage], store: any SendingStore, fleet: SendingFleet) throws {
        var campaigns: [String: Campaign] = [:]
        for m in pending where campaigns[m.campaign] == nil {
            if let r = try store.campaign(id: m.campaign), let c = try? Campaign.from(record: r) {
                campaigns[m.campaign] = c.resolved(in: fleet.group(named: r.group))
            }
        }
        for m in pending {
            guard let c = campaigns[m.campaign] else { continue }
            // `recipient_local: true`: each recipient's zone, as the scheduler reads it.
            byGroup[m.group, default: []].insert(Gate(window: c.window, zone: c.windowZone(recipientZone: m.timeZone)))
        }
    }

    func gates(for g: SendingGroup) -> [Gate] {
        byGroup[g.name].map { $0.sorted { $0.text < $1.text } } ?? [Gate(window: g.effectiveWindow, zone: g.effectiveWindowZone)]
    }
}
