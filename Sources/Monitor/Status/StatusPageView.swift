import Foundation
import Sender
import Store

/// The status page's figures as the template reads them: every number
/// already formatted, every list already ordered.
struct StatusPageView {
    struct Alert { let key: String; let summary: String; let since: String }
    struct Count { let name: String; let count: Int }
    struct Mailbox { let address: String; let state: String; let stage: String; let sent: Int; let reason: String }
    struct Domain { let name: String; let mailboxes: [Mailbox] }
    struct Group {
        let name: String, binding: String, usedPercent: String, bounceRate: String, complaintRate: String
        let sentToday: Int, capacityToday: Int, sentLast24h: Int, windowSends: Int, replies: Int
        let states: [Count], domains: [Domain]
    }
    struct Bar { let x: Int; let y: Int; let width: Int; let height: Int; let hour: String; let count: Int }
    struct Tick { let x: Int; let label: String }

    let generated: String, windowDays: String
    let alerts: [Alert], noAlerts: Bool, alertQueueDepth: Int
    let groups: [Group], outbox: [Count], suppressed: Int, replies: Int
    /// The SVG chart: its size, the baseline's y, the tallest bar's count, the total.
    let chartWidth: Int, chartHeight: Int, chartBase: Int, chartMax: Int, chartTotal: Int
    let bars: [Bar], ticks: [Tick]

    init(_ s: FleetSnapshot) {
        generated = Self.time(s.at)
        windowDays = String(format: "%.0f", s.status.windowDays)
        alerts = s.openAlerts.map { Alert(key: $0.key, summary: $0.summary, since: Self.time($0.openedAt)) }
        noAlerts = alerts.isEmpty
        alertQueueDepth = s.alertQueueDepth
        groups = s.status.groups.map { g in
            let cap = s.capacityToday[g.name]
            let capacity = Int((cap?.capacity ?? 0).rounded())
            let sent = s.sentToday[g.name] ?? 0
            var byDomain: [String: [Mailbox]] = [:]
            var domainOrder: [String] = []
            for m in g.mailboxes {
                if byDomain[m.domain] == nil { domainOrder.append(m.domain) }
                byDomain[m.domain, default: []].append(Mailbox(address: m.address, state: m.state, stage: m.stage,
                                                               sent: m.sentLast24h,
                                                               // A held domain's reasons ("dns: DKIM … differs") beside the health one.
                                                               reason: ([m.reason].compactMap { $0 } + m.holds.map(\.summary)).joined(separator: "; ")))
            }
            return Group(name: g.name, binding: cap?.binding.rawValue ?? "-",
                         usedPercent: capacity > 0 ? String(format: "%.0f%%", Double(sent) / Double(capacity) * 100) : "-",
                         bounceRate: String(format: "%.2f%%", g.bounceRate * 100), complaintRate: String(format: "%.3f%%", g.complaintRate * 100),
                         sentToday: sent, capacityToday: capacity, sentLast24h: g.sentLast24h, windowSends: g.windowSends,
                         replies: s.replies[g.name] ?? 0,
                         states: g.byState.sorted { $0.key < $1.key }.map { Count(name: $0.key, count: $0.value) },
                         domains: domainOrder.map { Domain(name: $0, mailboxes: byDomain[$0] ?? []) })
        }
        outbox = MessageState.allCases.map { Count(name: $0.rawValue, count: s.status.outbox[$0] ?? 0) }
        suppressed = s.status.suppressed
        replies = s.replies.values.reduce(0, +)
        // 24 bars of 30 px under a 160 px plot; the tallest bar fills it.
        let barWidth = 30, plot = 160, top = 10
        chartWidth = 24 * barWidth + 40
        chartHeight = top + plot + 30
        chartBase = top + plot
        chartMax = max(s.sendsPerHour.max() ?? 0, 1)
        chartTotal = s.sendsPerHour.reduce(0, +)
        let firstHour = Int((s.at / 3600).rounded(.down)) - 23
        var bars: [Bar] = []
        var ticks: [Tick] = []
        for (i, n) in s.sendsPerHour.enumerated() {
            let h = n * plot / chartMax
            let hour = String(format: "%02d:00", ((firstHour + i) % 24 + 24) % 24)
            bars.append(Bar(x: 30 + i * barWidth, y: top + plot - h, width: barWidth - 4, height: h, hour: hour, count: n))
            if i % 3 == 0 { ticks.append(Tick(x: 30 + i * barWidth, label: hour)) }
        }
        self.bars = bars
        self.ticks = ticks
    }

    static func time(_ t: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
