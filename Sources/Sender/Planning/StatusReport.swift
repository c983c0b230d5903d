import Foundation
import Store

/// `reconcile status`: mailboxes by state and stage, sends in the last 24 h,
/// bounce rates, and the outbox by message state.
public enum StatusReport {
    public static func render(fleet: SendingFleet, store: any SendingStore, now: Double) throws -> String {
        render(try FleetStatus.compute(fleet: fleet, store: store, now: now))
    }

    public static func render(_ status: FleetStatus) -> String {
        var lines: [String] = []
        for g in status.groups {
            lines.append("group \(g.name): " + g.byState.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            lines.append("  stages: " + g.byStage.sorted { $0.key < $1.key }.map { "\($0.value) at \($0.key)" }.joined(separator: ", "))
            lines.append("  sends in the last 24 h: \(g.sentLast24h)")
            lines.append(String(format: "  last %.0f days: %d sends, bounce rate %.2f%%, complaint rate %.2f%%", status.windowDays, g.windowSends,
                                g.bounceRate * 100, g.complaintRate * 100))
            for m in g.mailboxes where !m.enabled {
                lines.append("  disabled \(m.address): \(m.reason ?? "")")
            }
        }
        lines.append("outbox: " + MessageState.allCases.map { "\(status.outbox[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "))
        lines.append("suppressed recipients: \(status.suppressed)")
        if let unknown = status.outbox[.unknown], unknown > 0 {
            lines.append("note: \(unknown) message(s) have an unknown outcome; they are never resent automatically")
        }
        return lines.joined(separator: "\n")
    }
}
