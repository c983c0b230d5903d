import Foundation
import Store

/// Which domains the DNS preflight holds, from the stored verdicts: the one
/// rule `serve`'s DNS watch and `send` without `serve` both apply.
public enum PreflightGate {
    /// `domain → reason` for every domain of `domains` that may not send:
    /// no verdict at all, a verdict older than `maxAge` (no watcher is
    /// checking), or a last known preflight that fails. A domain whose
    /// checks have only ever been unknown is not held: unknown decides nothing.
    public static func holds(_ records: [DNSVerdictRecord], domains: [String], now: Double, maxAge: Double) -> [String: String] {
        let byDomain = Dictionary(records.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        for d in Set(domains.map { $0.lowercased() }) {
            guard let r = byDomain[d] else {
                out[d] = "no DNS verdict yet (`reconcile serve` checks every monitoring.dns_check_interval)"
                continue
            }
            if now - r.checkedAt > maxAge {
                out[d] = "DNS last checked \(stamp(r.checkedAt)), more than \(Int(maxAge / 60)) min ago (monitoring.dns_verdict_max_age)"
            } else if r.preflight == .fail {
                out[d] = r.reason ?? "fails the sending preflight"
            }
        }
        return out
    }

    static func stamp(_ t: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: t))
    }
}
