import Foundation
import Reconciler
import Store

/// One round of the DNS watch: check the fleet, store each domain's verdict,
/// hold (or release) the domains that fail the sending preflight, and say
/// which alert conditions open or clear. `serve` runs it every
/// `monitoring.dns_check_interval`; `send` runs it once when it has no verdicts.
public struct DNSWatchRound: Sendable {
    public var check: FleetCheck
    public var verdicts: DNSVerdictStore
    public var sending: any SendingStore
    /// Nil: no alert is queued (the caller only wants the holds).
    public var alerts: AlertStore?
    /// Verdicts older than this hold their domain (`PreflightGate`).
    public var maxAge: Double

    public init(check: FleetCheck, verdicts: DNSVerdictStore, sending: any SendingStore, alerts: AlertStore?, maxAge: Double) {
        self.check = check; self.verdicts = verdicts; self.sending = sending; self.alerts = alerts; self.maxAge = maxAge
    }

    public struct Outcome: Sendable {
        public var report: CheckReport
        public var records: [DNSVerdictRecord]
        public var holds: DomainHoldChanges
        /// The condition changes that were queued (opened or cleared now).
        public var alerts: [AlertChange]
    }

    public func run(_ zones: [ExpectedZone], at now: Double) async throws -> Outcome {
        let report = await check.run(zones)
        let zoneOf = Dictionary(zones.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        let updates = report.domains.map { v in
            let summary = v.notChecked ?? v.findings.filter { $0.status != .ok }.map(CheckRender.line).joined(separator: "; ")
            switch zoneOf[v.domain].map({ SendingPreflight.judge(v, zone: $0) }) ?? .unknown("not in the fleet") {
            case .pass: return DNSVerdictUpdate(domain: v.domain, status: v.status.rawValue, summary: summary, preflight: .pass, reason: nil)
            case .fail(let why): return DNSVerdictUpdate(domain: v.domain, status: v.status.rawValue, summary: summary, preflight: .fail, reason: why)
            case .unknown: return DNSVerdictUpdate(domain: v.domain, status: v.status.rawValue, summary: summary, preflight: nil, reason: nil)
            }
        }
        let records = try verdicts.record(updates, at: now)
        let wanted = PreflightGate.holds(try verdicts.all(), domains: zones.map(\.domain), now: now, maxAge: maxAge)
        let holds = try sending.replaceDomainHolds(source: .dns, with: wanted, at: now)
        var changes = records.compactMap(DNSAlerts.differs)
        changes += holds.placed.map(DNSAlerts.held) + holds.released.map(DNSAlerts.released)
        var queued: [AlertChange] = []
        if let alerts {
            for c in changes { if try alerts.apply(c, at: now) { queued.append(c) } }
        }
        return Outcome(report: report, records: records, holds: holds, alerts: queued)
    }
}

/// The DNS watch's alert conditions: one per domain and condition, opened
/// once and cleared once by the alert store.
public enum DNSAlerts {
    public static func differsKey(_ domain: String) -> String { "dns-differs:\(domain)" }
    public static func heldKey(_ domain: String) -> String { "domain-held:dns:\(domain)" }

    /// Differences in two rounds in a row open it; as declared clears it; unknown changes nothing.
    static func differs(_ r: DNSVerdictRecord) -> AlertChange? {
        switch r.status {
        case "differs" where r.failures >= 2:
            return .open(key: differsKey(r.domain), summary: "DNS of \(r.domain) differs from the inventory (\(r.failures) checks in a row): \(r.summary)")
        case "ok":
            return .clear(key: differsKey(r.domain), summary: "DNS of \(r.domain) is as declared again")
        default:
            return nil
        }
    }

    public static func held(_ h: DomainHold) -> AlertChange {
        .open(key: heldKey(h.domain), summary: "domain \(h.domain) held: its mailboxes send nothing until it passes the DNS preflight: \(h.reason)")
    }

    public static func released(_ h: DomainHold) -> AlertChange {
        .clear(key: heldKey(h.domain), summary: "domain \(h.domain) released: it passes the DNS preflight again")
    }
}
