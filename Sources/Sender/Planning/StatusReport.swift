import Foundation
import Store

/// `reconcile status`: mailboxes by state and stage, sends in the last 24 h,
/// bounce rates, the outbox by message state, and webhook events (opens and
/// clicks per campaign).
public enum StatusReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> String {
        render(try FleetStatus.compute(fleet: fleet, store: store, now: now))
    }

    public static func render(_ status: FleetStatus) -> String {
        var lines: [String] = []
        let holds = Set(status.groups.flatMap { $0.mailboxes.flatMap(\.holds) })
        for h in holds.sorted(by: { ($0.domain, $0.source.rawValue) < ($1.domain, $1.source.rawValue) }) {
            lines.append("held domain \(h.domain) since \(UTCDay.formatMinute(h.since)): \(h.summary)")
        }
        for g in status.groups {
            lines.append("group \(g.name): " + g.byState.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            lines.append("  stages: " + g.byStage.sorted { $0.key < $1.key }.map { "\($0.value) at \($0.key)" }.joined(separator: ", "))
            lines.append("  sends in the last 24 h: \(g.sentLast24h)")
            lines.append(String(format: "  last %.0f days: %d sends, bounce rate %.2f%%, complaint rate %.2f%%", status.windowDays, g.windowSends,
                                g.bounceRate * 100, g.complaintRate * 100))
            for m in g.mailboxes {
                if !m.enabled {
                    lines.append("  disabled \(m.address) since \(m.changedAt.map(UTCDay.formatMinute) ?? "?"): \(m.reason ?? "no reason recorded")")
                }
                if let stage = m.heldStage, let since = m.heldSince {
                    let n = max(m.window.sends, 1)
                    lines.append(String(format: "  held %@ at stage %d since %@: bounce rate %.1f%% (%d of %d), complaint rate %.2f%% over %.0f days, healthy below %.1f%% / %.2f%%",
                                        m.address, stage + 1, UTCDay.formatMinute(since), Double(m.window.bounces) / Double(n) * 100,
                                        m.window.bounces, m.window.sends, Double(m.window.complaints) / Double(n) * 100, status.windowDays,
                                        status.healthyBounceRate * 100, status.healthyComplaintRate * 100))
                }
            }
        }
        lines.append("outbox: " + MessageState.allCases.map { "\(status.outbox[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        lines.append("suppressed recipients: \(status.suppressed)")
        let feedback = status.feedback
        if feedback.total > 0 {
            lines.append("webhook events: " + feedback.byEvent.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                         + " (\(feedback.unknownMessages) for messages not in the outbox)")
            for (campaign, events) in feedback.byCampaign.sorted(by: { $0.key < $1.key }) {
                lines.append("  campaign \(campaign): " + ["delivered", "opened", "clicked"].map { "\(events[$0] ?? 0) \($0)" }.joined(separator: ", "))
            }
        }
        if let unknown = status.outbox[.unknown], unknown > 0 {
            lines.append("note: \(unknown) message(s) have an unknown outcome; they are never resent automatically")
        }
        return lines.joined(separator: "\n")
    }
}
