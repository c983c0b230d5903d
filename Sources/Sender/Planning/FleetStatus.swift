import Foundation
import Store

/// The fleet's state as figures: what `reconcile status` prints and what the
/// status page and `/metrics` show, computed once here.
public struct FleetStatus: Sendable, Equatable {
    public struct Mailbox: Sendable, Equatable {
        public var address: String
        public var domain: String
        /// enabled, held, disabled or spare.
        public var state: String
        /// The health switch (a spare can be disabled too).
        public var enabled: Bool
        /// "stage 2 (20/day)", "stage 2 (20/day) held", "no warmup (50/day)", "warmup not started".
        public var stage: String
        public var dailyCap: Int
        public var sentLast24h: Int
        /// Why it is disabled (or was re-enabled), and since when.
        public var reason: String?
        public var changedAt: Double?
        /// A warmup stage held for health (0-based), and since when.
        public var heldStage: Int?
        public var heldSince: Double?
        /// Its domain's holds (`DomainHold`): while any, it sends nothing.
        public var holds: [DomainHold] = []
        /// This mailbox over the health window.
        public var window = MailboxStats()
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        public var mailboxes: [Mailbox]
        public var sentLast24h: Int
        /// Attempts, bounces and complaints over the health window.
        public var windowSends: Int
        public var windowBounces: Int
        public var windowComplaints: Int

        public var byState: [String: Int] { mailboxes.reduce(into: [:]) { $0[$1.state, default: 0] += 1 } }
        public var byStage: [String: Int] { mailboxes.reduce(into: [:]) { $0[$1.stage, default: 0] += 1 } }
        public var bounceRate: Double { windowSends > 0 ? Double(windowBounces) / Double(windowSends) : 0 }
        public var complaintRate: Double { windowSends > 0 ? Double(windowComplaints) / Double(windowSends) : 0 }
    }

    public var groups: [Group]
    public var windowDays: Double
    /// Below these a held stage is released (the health bands).
    public var healthyBounceRate: Double
    public var healthyComplaintRate: Double
    public var outbox: [MessageState: Int]
    /// The outbox per group and message state.
    public var outboxByGroup: [String: [MessageState: Int]]
    public var suppressed: Int
    /// Webhook events by kind, and per campaign (opens and clicks).
    public var feedback = FeedbackCounts()

    public static func compute(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> FleetStatus {
        let health = try store.mailboxHealth()
        let firstSends = try store.firstSends()
        let stats24 = try store.mailboxStats(since: now - 86_400)
        let window = try store.mailboxStats(since: now - fleet.thresholds.windowDays * 86_400)
        let holds = Dictionary(grouping: try store.domainHolds(), by: \.domain)
        var groups: [Group] = []
        for g in fleet.groups {
            var group = Group(name: g.name, mailboxes: [], sentLast24h: 0, windowSends: 0, windowBounces: 0, windowComplaints: 0)
            for m in fleet.mailboxes where m.group == g.name {
                let h = health[m.address]
                let domain = DomainHold.domain(of: m.address)
                let held = holds[domain] ?? []
                let state = m.role == .spare ? "spare" : !(h?.enabled ?? true) ? "disabled" : held.isEmpty ? "enabled" : "held"
                let r = Warmup.dailyCap(m, shiftDays: h?.warmupShiftDays ?? 0, heldStage: h?.heldStage, firstSent: firstSends[m.address], now: now)
                let stage = r.stage.map { "stage \($0 + 1) (\(r.cap)/day)\(h?.heldStage != nil ? " held" : "")" }
                    ?? (r.cap == 0 ? "warmup not started" : "no warmup (\(r.cap)/day)")
                let sent = stats24[m.address]?.sends ?? 0
                group.mailboxes.append(Mailbox(address: m.address, domain: domain, state: state, enabled: h?.enabled ?? true, stage: stage, dailyCap: r.cap,
                                               sentLast24h: sent, reason: h?.reason, changedAt: h?.changedAt, heldStage: h?.heldStage,
                                               heldSince: h?.heldSince, holds: held, window: window[m.address] ?? MailboxStats()))
                group.sentLast24h += sent
                group.windowSends += window[m.address]?.sends ?? 0
                group.windowBounces += window[m.address]?.bounces ?? 0
                group.windowComplaints += window[m.address]?.complaints ?? 0
            }
            groups.append(group)
        }
        var counts: [MessageState: Int] = [:]
        var byGroup: [String: [MessageState: Int]] = [:]
        for m in try store.messages(state: nil) {
            counts[m.state, default: 0] += 1
            byGroup[m.group, default: [:]][m.state, default: 0] += 1
        }
        return FleetStatus(groups: groups, windowDays: fleet.thresholds.windowDays,
                           healthyBounceRate: fleet.thresholds.healthyBounceRate, healthyComplaintRate: fleet.thresholds.healthyComplaintRate,
                           outbox: counts, outboxByGroup: byGroup,
                           suppressed: try store.suppressedEmails().count, feedback: try store.feedbackCounts())
    }
}
