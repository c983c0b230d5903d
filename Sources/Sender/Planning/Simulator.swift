import Foundation
import Providers
import Store

/// A simulated run on the virtual clock with an accepting relay and the
/// in-memory store: the real scheduler and engine, no real time, no real state.
public struct SimulationReport: Sendable {
    public struct Hour: Sendable {
        public var group: String
        public var hour: Int
        /// When the hour starts (reports show it with its date and zone).
        public var start: Double
        public var sends: Int
        public var theoretical: Double
        public var binding: BlockReason
    }
    public var hours: [Hour]
    public var capacity: [GroupCapacity]
    public var total: Int
    public var theoreticalMaximum: Double
    public var violations: [String]
    public var decisions: Int
    public var decisionNanos: UInt64
    public var wallSeconds: Double
    public var sends: [LimitAudit.Send]

    public var nanosPerDecision: Double { decisions == 0 ? 0 : Double(decisionNanos) / Double(decisions) }
    public var utilisation: Double { theoreticalMaximum == 0 ? 0 : Double(total) / theoreticalMaximum }

    public func render() -> String {
        var lines: [String] = []
        for c in capacity {
            lines.append("group \(c.group): \(c.activeMailboxes) active mailboxes; binding limit \(c.binding.rawValue)")
            lines.append("  hour                  sends  max     util    binding")
            for h in hours where h.group == c.group {
                let util = h.theoretical > 0 ? Double(h.sends) / h.theoretical * 100 : 0
                lines.append(String(format: "  %@  %5d  %6.1f  %5.1f%%  %@", UTCDay.formatMinute(h.start), h.sends, h.theoretical, util, h.binding.rawValue))
            }
            let sent = hours.filter { $0.group == c.group }.reduce(0) { $0 + $1.sends }
            lines.append(String(format: "  group total %d of theoretical maximum %.0f (%.1f%%)", sent, c.capacity, c.capacity > 0 ? Double(sent) / c.capacity * 100 : 0))
        }
        lines.append("violations: \(violations.count)")
        for v in violations.prefix(20) { lines.append("  \(v)") }
        lines.append(String(format: "decisions: %d, %.2f µs each; wall %.2f s", decisions, nanosPerDecision / 1000, wallSeconds))
        lines.append(String(format: "total sends: %d of theoretical maximum %.0f (%.1f%%)", total, theoreticalMaximum, utilisation * 100))
        return lines.joined(separator: "\n")
    }
}

public enum Simulator {
    /// Runs `hours` from `start`. Without `outbox`, demand is unlimited: each
    /// group gets more recipients than it could possibly mail, inside the
    /// group's own `limits.window` in its zone (always open when it has none).
    public static func run(fleet: SendingFleet, hours: Double, seed: UInt64, start: Double,
                           outbox: [(campaign: Campaign, group: String, recipients: [Enrollment])]? = nil,
                           suppressed: Set<String> = [], keepSends: Bool = true) async throws -> SimulationReport {
        let wall0 = Date()
        let store = MemorySendingStore()
        for s in suppressed { try store.suppress(email: s, reason: "simulation", source: nil, at: start - 1) }
        let clock = VirtualClock(start: start)
        var campaigns: [String: Campaign] = [:]
        if let outbox {
            for o in outbox {
                _ = try store.enqueue(campaign: o.campaign.record(group: o.group), recipients: o.recipients, now: start)
                campaigns[o.campaign.id] = o.campaign
            }
        } else {
            for g in fleet.groups {
                let cap = CapacityModel.group(g, fleet: fleet, start: start, hours: hours)
                let n = Int((min(cap.pauseRange.high, cap.byLimit[.hourlyCap] ?? 0) * 1.05).rounded(.up)) + 10
                let c = Campaign(id: "simulated-\(g.name)", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}")],
                                 window: g.effectiveWindow, defaultTimeZone: g.effectiveWindowZone)
                campaigns[c.id] = c
                let rs = (0..<n).map { Enrollment(email: "r\($0)@\(g.name).sim.invalid", timeZone: nil, variables: ["first_name": "R\($0)"]) }
                _ = try store.enqueue(campaign: c.record(group: g.name), recipients: rs, now: start)
            }
        }
        let builder = MessageBuilder(unsubscribe: UnsubscribeLink(baseURL: fleet.unsubscribe.baseURL, secret: "simulation-only"))
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock,
                                    random: SeededRandom(seed: seed), builder: builder, maintenanceInterval: 3600)
        let slots = Int(hours.rounded(.up))
        var sendCount: [String: [Int]] = [:]
        var idle: [String: [[BlockReason: Double]]] = [:]
        for g in fleet.groups { sendCount[g.name] = Array(repeating: 0, count: slots); idle[g.name] = Array(repeating: [:], count: slots) }
        var sends: [LimitAudit.Send] = []
        engine.onSend = { a, _ in
            let h = Int((a.at - start) / 3600)
            if h < slots { sendCount[a.group]![h] += 1 }
        }
        engine.onWait = { group, from, until, reason in
            let h = Int((from - start) / 3600)
            // Counted up to the end of the hour it began in (the next decision recounts).
            if h >= 0 && h < slots { idle[group]![h][reason, default: 0] += min(until, start + Double(h + 1) * 3600, start + hours * 3600) - from }
        }
        try await engine.run(until: start + hours * 3600)

        let rows = try store.messages(state: nil)
        let byRow = Dictionary(uniqueKeysWithValues: rows.map { ($0.row, $0) })
        let reservations = store.allReservations()
        do {
            for r in reservations {
                guard let m = byRow[r.messageRow], let c = campaigns[m.campaign] else { continue }
                sends.append(LimitAudit.Send(at: r.at, group: r.group, mailbox: r.mailbox, email: m.email, campaign: m.campaign, step: m.step,
                                             timeZone: c.windowZone(recipientZone: m.timeZone), window: c.window))
            }
        }
        var audit = LimitAudit(fleet: fleet)
        for s in suppressed { audit.suppressedAt[s] = start - 1 }
        let violations = audit.violations(sends)

        // The windows that gate each group: its simulated campaign's (the group's
        // window) or, replaying an outbox, the widest of its campaigns' windows.
        var gates: [String: Set<CampaignWindows.Gate>] = [:]
        for o in outbox ?? [] { gates[o.group, default: []].insert(.init(window: o.campaign.window, zone: o.campaign.defaultTimeZone)) }
        func open(_ g: SendingGroup, _ from: Double, _ span: Double) -> Double {
            guard let keys = gates[g.name] else { return g.openHours(start: from, hours: span) }
            return keys.map { $0.openHours(from: from, hours: span) }.max() ?? 0
        }
        var hourRows: [SimulationReport.Hour] = []
        var capacity: [GroupCapacity] = []
        for g in fleet.groups {
            let cap = CapacityModel.group(g, fleet: fleet, start: start, hours: hours, openHours: open(g, start, hours))
            capacity.append(cap)
            var budget = cap.byLimit[.dailyCap] ?? 0
            for h in 0..<slots {
                let span = min(1, hours - Double(h))
                let from = start + Double(h) * 3600
                let hc = CapacityModel.group(g, fleet: fleet, start: from, hours: span, openHours: open(g, from, span))
                var perHour = [hc.byLimit[.groupPause] ?? 0, hc.byLimit[.hourlyCap] ?? 0, hc.byLimit[.mailboxInterval] ?? 0].min() ?? 0
                perHour = min(perHour, budget)
                budget -= perHour
                let observed = idle[g.name]![h].max { $0.value < $1.value }?.key ?? cap.binding
                hourRows.append(.init(group: g.name, hour: h, start: from, sends: sendCount[g.name]![h], theoretical: perHour, binding: observed))
            }
        }
        let total = reservations.count
        let theoretical = capacity.reduce(0) { $0 + $1.capacity }
        return SimulationReport(hours: hourRows, capacity: capacity, total: total, theoreticalMaximum: theoretical, violations: violations,
                                decisions: engine.stats.decisions, decisionNanos: engine.stats.decisionNanos,
                                wallSeconds: Date().timeIntervalSince(wall0), sends: keepSends ? sends : [])
    }
}
