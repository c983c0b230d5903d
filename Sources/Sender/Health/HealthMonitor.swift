import Foundation
import Store

/// Turns bounce and complaint counts into mailbox states (sending.md §2.2):
/// outside the healthy band the warmup stage is held (held days do not count
/// toward the schedule); above the disable threshold (or the complaint rate),
/// with a minimum sample, the mailbox is disabled and an alert event recorded. Only an explicit,
/// recorded `enable` turns it back on.
public struct HealthMonitor: Sendable {
    public let fleet: SendingFleet
    public init(fleet: SendingFleet) { self.fleet = fleet }

    /// Evaluates every mailbox and writes what changed; returns the new records.
    @discardableResult
    public func evaluate(store: any SendingStore, now: Double) throws -> [MailboxHealthRecord] {
        let th = fleet.thresholds
        let windowStart = now - th.windowDays * 86_400
        let stats = try store.mailboxStats(since: windowStart)
        let health = try store.mailboxHealth()
        let firstSends = try store.firstSends()
        var ownStats: [String: MailboxStats] = [:]
        for h in health.values {
            let since = Self.countsSince(h, windowStart: windowStart)
            if since > windowStart { ownStats[h.address] = try store.mailboxStats(since: since)[h.address] ?? MailboxStats() }
        }

        var changed: [MailboxHealthRecord] = []
        for m in fleet.mailboxes {
            let s = ownStats[m.address] ?? stats[m.address] ?? MailboxStats()
            guard case let (h, event)? = judge(m, stats: s, old: health[m.address], firstSent: firstSends[m.address], now: now) else { continue }
            try store.updateMailboxHealth(h, event: event)
            changed.append(h)
        }
        return changed
    }

    /// Judges the one mailbox a feedback event concerns, inside the
    /// transaction that stores the event (`SendingStore.recordFeedback(_:judge:)`),
    /// by the same rule as `evaluate`. Returns the record written, if any.
    public func judge(address: String, in scope: any MailboxHealthScope, now: Double) throws -> MailboxHealthRecord? {
        guard let m = fleet.mailbox(address) else { return nil }
        let windowStart = now - fleet.thresholds.windowDays * 86_400
        let old = try scope.health(of: m.address)
        let stats = try scope.stats(of: m.address, since: Self.countsSince(old, windowStart: windowStart))
        guard case let (h, event)? = judge(m, stats: stats, old: old, firstSent: try scope.firstSend(of: m.address), now: now) else { return nil }
        try scope.update(h, event: event)
        return h
    }

    /// Counts since a re-enable: the bounces that disabled a mailbox do not disable it again.
    private static func countsSince(_ h: MailboxHealthRecord?, windowStart: Double) -> Double {
        guard let h, h.enabled, h.changedAt > windowStart, h.reason != nil else { return windowStart }
        return h.changedAt
    }

    /// The rule for one mailbox: its new record and the event explaining it, nil when nothing changes.
    private func judge(_ m: SendingMailbox, stats s: MailboxStats, old stored: MailboxHealthRecord?, firstSent: Double?, now: Double) -> (MailboxHealthRecord, SendingEvent?)? {
        let th = fleet.thresholds
        let old = stored ?? MailboxHealthRecord(address: m.address, enabled: true, changedAt: now)
        var h = old
        let sends = max(s.sends, 1)
        let bounceRate = Double(s.bounces) / Double(sends)
        let complaintRate = Double(s.complaints) / Double(sends)
        var event: SendingEvent?
        if h.enabled && s.sends >= th.minimumSample && bounceRate > th.disableBounceRate {
            h.enabled = false
            h.changedAt = now
            h.reason = String(format: "bounce rate %.1f%% (%d of %d) over %.0f days is above %.1f%%",
                              bounceRate * 100, s.bounces, s.sends, th.windowDays, th.disableBounceRate * 100)
            event = SendingEvent(at: now, kind: .mailboxDisabled, mailbox: m.address, detail: h.reason!)
        } else if h.enabled && s.sends >= th.minimumSample && s.complaints > 0 && complaintRate > th.healthyComplaintRate {
            // `limits.complaint_rate` is a hard stop too (issue #11): complaints hurt the domain more than bounces.
            h.enabled = false
            h.changedAt = now
            h.reason = String(format: "complaint rate %.2f%% (%d of %d) over %.0f days is above %.2f%%",
                              complaintRate * 100, s.complaints, s.sends, th.windowDays, th.healthyComplaintRate * 100)
            event = SendingEvent(at: now, kind: .mailboxDisabled, mailbox: m.address, detail: h.reason!)
        }
        // Like the disable rule, a hold needs a minimum sample: one bounce in one send is not a rate.
        let unhealthy = s.sends >= th.minimumSample
            && (s.bounces > 0 && bounceRate > th.healthyBounceRate || s.complaints > 0 && complaintRate > th.healthyComplaintRate)
        if unhealthy && h.heldStage == nil {
            h.heldStage = Warmup.dailyCap(m, shiftDays: h.warmupShiftDays, heldStage: nil, firstSent: firstSent, now: now).stage ?? 0
            h.heldSince = now
        } else if !unhealthy, let since = h.heldSince {
            h.warmupShiftDays += Int(((now - since) / 86_400).rounded(.down))
            h.heldStage = nil
            h.heldSince = nil
        }
        return h != old || stored == nil && event != nil ? (h, event) : nil
    }

    /// A configuration fault pauses the mailboxes it concerns until the
    /// operator fixes it and runs `enable-mailbox`; each pause is an
    /// `alert.config_fault` event for the alerter. Returns the new records.
    public static func pause(addresses: [String], reason: String, store: any SendingStore, now: Double) throws -> [MailboxHealthRecord] {
        let health = try store.mailboxHealth()
        var out: [MailboxHealthRecord] = []
        for a in addresses.map({ $0.lowercased() }) {
            var h = health[a] ?? MailboxHealthRecord(address: a, enabled: true, changedAt: now)
            guard h.enabled else { continue }
            h.enabled = false
            h.changedAt = now
            h.reason = "paused: \(reason)"
            try store.updateMailboxHealth(h, event: SendingEvent(at: now, kind: .configFault, mailbox: a, detail: reason))
            out.append(h)
        }
        return out
    }

    /// The operator's explicit re-enable, recorded as an event.
    /// Refuses an address the fleet does not have: a typo would otherwise
    /// record an event for a mailbox that never sends.
    public static func enable(address: String, reason: String, fleet: SendingFleet, store: any SendingStore, now: Double) throws -> MailboxHealthRecord {
        let a = address.lowercased()
        guard fleet.mailbox(a) != nil else {
            throw SenderError.configuration("no mailbox \(TerminalText.escaped(address)) in the fleet (enable-mailbox takes an address of the inventory's groups)")
        }
        var h = try store.mailboxHealth()[a] ?? MailboxHealthRecord(address: a, enabled: true, changedAt: now)
        h.enabled = true
        h.changedAt = now
        h.reason = "enabled by operator: \(reason)"
        try store.updateMailboxHealth(h, event: SendingEvent(at: now, kind: .mailboxEnabled, mailbox: a, detail: reason))
        return h
    }
}
