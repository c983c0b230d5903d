import Foundation
import Store

/// `reconcile status`: mailboxes by state and stage, sends in the last 24 h,
/// bounce rates, the outbox by message state, and webhook events (opens and
/// clicks per campaign).
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
            for m in mbs where !(health[m.address]?.enabled ?? true) {
                lines.append("  disabled \(m.address): \(health[m.address]?.reason ?? "")")
            }
        }
        var counts: [MessageState: Int] = [:]
        for m in try store.messages(state: nil) { counts[m.state, default: 0] += 1 }
        lines.append("outbox: " + MessageState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        lines.append("suppressed recipients: \(try store.suppressedEmails().count)")
        let feedback = try store.feedbackCounts()
        if feedback.total > 0 {
            lines.append("webhook events: " + feedback.byEvent.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                         + " (\(feedback.unknownMessages) for messages not in the outbox)")
            for (campaign, events) in feedback.byCampaign.sorted(by: { $0.key < $1.key }) {
                lines.append("  campaign \(campaign): " + ["delivered", "opened", "clicked"].map { "\(events[$0] ?? 0) \($0)" }.joined(separator: ", "))
            }
        }
        if let unknown = counts[.unknown], unknown > 0 {
            lines.append("note: \(unknown) message(s) have an unknown outcome; they are never resent automatically")
        }
        return lines.joined(separator: "\n")
    }
}
