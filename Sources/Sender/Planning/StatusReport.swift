import Foundation
import Store

/// `reconcile status`: mailboxes by state and stage, sends in the last 24 h,
/// bounce rates, and the outbox by message state.
public enum StatusReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> String {
        let health = try store.mailboxHealth()
        let stats24 = try store.mailboxStats(since: now - 86_400)
        let window = try store.mailboxStats(since: now - fleet.thresholds.windowDays * 86_400)
        var lines: [String] = []
        for g in fleet.groups {
            let mbs = fleet.mailboxes.filter { $0.group == g.name }
            var byState: [String: Int] = [:]
            var byStage: [String: Int] = [:]
            var sent = 0, sends = 0, bounces = 0, complaints = 0
            for m in mbs {
                let h = health[m.address]
                let state = m.role == .spare ? "spare" : (h?.enabled ?? true) ? "enabled" : "disabled"
                byState[state, default: 0] += 1
                let r = Warmup.dailyCap(m, shiftDays: h?.warmupShiftDays ?? 0, heldStage: h?.heldStage, now: now)
                let stage = r.stage.map { "stage \($0 + 1) (\(r.cap)/day)\(h?.heldStage != nil ? " held" : "")" }
                    ?? (r.cap == 0 ? "warmup not started" : "no warmup (\(r.cap)/day)")
                byStage[stage, default: 0] += 1
                sent += stats24[m.address]?.sends ?? 0
                sends += window[m.address]?.sends ?? 0
                bounces += window[m.address]?.bounces ?? 0
                complaints += window[m.address]?.complaints ?? 0
            }
            lines.append("group \(g.name): " + byState.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            lines.append("  stages: " + byStage.sorted { $0.key < $1.key }.map { "\($0.value) at \($0.key)" }.joined(separator: ", "))
            lines.append("  sends in the last 24 h: \(sent)")
            lines.append(String(format: "  last %.0f days: %d sends, bounce rate %.2f%%, complaint rate %.2f%%", fleet.thresholds.windowDays, sends,
                                sends > 0 ? Double(bounces) / Double(sends) * 100 : 0, sends > 0 ? Double(complaints) / Double(sends) * 100 : 0))
            for m in mbs {
                guard let h = health[m.address] else { continue }
                if !h.enabled {
                    lines.append("  disabled \(m.address) since \(UTCDay.formatMinute(h.changedAt)): \(h.reason ?? "no reason recorded")")
                }
                if let stage = h.heldStage, let since = h.heldSince {
                    let s = window[m.address] ?? MailboxStats()
                    let n = max(s.sends, 1)
                    lines.append(String(format: "  held %@ at stage %d since %@: bounce rate %.1f%% (%d of %d), complaint rate %.2f%% over %.0f days, healthy below %.1f%% / %.2f%%",
                                        m.address, stage + 1, UTCDay.formatMinute(since), Double(s.bounces) / Double(n) * 100, s.bounces, s.sends,
                                        Double(s.complaints) / Double(n) * 100, fleet.thresholds.windowDays,
                                        fleet.thresholds.healthyBounceRate * 100, fleet.thresholds.healthyComplaintRate * 100))
                }
            }
        }
        var counts: [MessageState: Int] = [:]
        for m in try store.messages(state: nil) { counts[m.state, default: 0] += 1 }
        lines.append("outbox: " + MessageState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        lines.append("suppressed recipients: \(try store.suppressedEmails().count)")
        if let unknown = counts[.unknown], unknown > 0 {
            lines.append("note: \(unknown) message(s) have an unknown outcome; they are never resent automatically")
        }
        return lines.joined(separator: "\n")
    }
}
