import Foundation
import Prometheus
import Sender
import Store

/// `/metrics` in the Prometheus text format. The process's own counters
/// (webhook events accepted and rejected, which the webhook routes report
/// through `webhookAccepted`/`webhookRejected`) live in one registry for the
/// process; the fleet's figures are read from the state file at each scrape
/// into a fresh registry, so a group or state that disappears stops showing.
public struct MonitorMetrics: Sendable {
    let counters: PrometheusCollectorRegistry

    public init() { counters = PrometheusCollectorRegistry() }

    /// `kind`: `new` (stored) or `duplicate`.
    public func webhookAccepted(kind: String) {
        counters.makeCounter(descriptor: Self.name("webhook_events_accepted", "total",
                                                   "Webhook events answered 200, new (stored) or duplicate"),
                             labels: [("kind", kind)]).increment()
    }

    public func webhookRejected(reason: String) {
        counters.makeCounter(descriptor: Self.name("webhook_events_rejected", "total",
                                                   "Webhook requests rejected, by reason"),
                             labels: [("reason", reason)]).increment()
    }

    /// One DNS watch round: domains per verdict (`ok`, `differs`,
    /// `could-not-check`; every label set each round), its duration and count.
    public func dnsCheckRound(verdicts: [String], seconds: Double) {
        for v in ["ok", "differs", "could-not-check"] {
            counters.makeGauge(descriptor: Self.name("dns_check_domains", "", "Domains by the verdict of the last DNS check"),
                               labels: [("verdict", v)]).set(to: Double(verdicts.filter { $0 == v }.count))
        }
        counters.makeGauge(descriptor: Self.name("dns_check_duration", "seconds", "Wall time of the last DNS check round"))
            .set(to: seconds)
        counters.makeGauge(descriptor: Self.name("dns_check_last_run", "timestamp_seconds", "When the last DNS check round ended"))
            .set(to: Date().timeIntervalSince1970)
        counters.makeCounter(descriptor: Self.name("dns_check_rounds", "total", "DNS check rounds, by outcome"),
                             labels: [("outcome", "done")]).increment()
    }

    /// A round that could not run (the expected zones or the state unreadable).
    public func dnsCheckFailed() {
        counters.makeCounter(descriptor: Self.name("dns_check_rounds", "total", "DNS check rounds, by outcome"),
                             labels: [("outcome", "failed")]).increment()
    }

    /// Results a send can end in (sending.md §5.3).
    static let results: [MessageState] = [.accepted, .rejected, .deferred, .unknown]

    public func render(_ s: FleetSnapshot) -> String {
        let r = PrometheusCollectorRegistry()
        func gauge(_ metric: String, _ help: String, _ labels: [(String, String)] = [], _ value: Double) {
            r.makeGauge(descriptor: Self.name(metric, "", help), labels: labels).set(to: value)
        }
        for g in s.status.groups {
            for result in Self.results {
                gauge("sends", "Messages by group and the result of their last attempt",
                      [("group", g.name), ("result", result.rawValue)], Double(s.status.outboxByGroup[g.name]?[result] ?? 0))
            }
            gauge("sends_last_24h", "Send attempts in the last 24 hours", [("group", g.name)], Double(g.sentLast24h))
            gauge("sends_today", "Send attempts since 00:00 UTC", [("group", g.name)], Double(s.sentToday[g.name] ?? 0))
            gauge("capacity_today", "Expected sends today under every limit", [("group", g.name)],
                  s.capacityToday[g.name]?.capacity ?? 0)
            gauge("bounce_rate", "Bounces per send over the health window (ratio)", [("group", g.name)], g.bounceRate)
            gauge("complaint_rate", "Complaints per send over the health window (ratio)", [("group", g.name)], g.complaintRate)
            gauge("replies", "Replies recorded", [("group", g.name)], Double(s.replies[g.name] ?? 0))
            let states = g.byState
            for state in ["enabled", "held", "disabled", "spare"] {
                gauge("mailboxes", "Mailboxes by state", [("group", g.name), ("state", state)], Double(states[state] ?? 0))
            }
        }
        gauge("outbox_depth", "Messages planned, reserved, in flight or deferred", [], Double(s.outboxDepth))
        gauge("alert_queue_depth", "Alerts queued and not yet delivered", [], Double(s.alertQueueDepth))
        gauge("alerts_open", "Alert conditions open now", [], Double(s.openAlerts.count))
        var holds: [String: Int] = ["dns": 0]
        for h in Set(s.status.groups.flatMap { $0.mailboxes.flatMap(\.holds) }) { holds[h.source.rawValue, default: 0] += 1 }
        for (source, n) in holds { gauge("domains_held", "Domains whose mailboxes send nothing, by the watcher that holds them", [("source", source)], Double(n)) }
        return counters.emitToString() + r.emitToString()
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "reconcile", metricName: metric, unitName: unit, helpText: help)
    }
}
