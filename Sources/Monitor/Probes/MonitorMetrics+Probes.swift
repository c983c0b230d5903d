import Prometheus

/// The probes' figures, in the process's own registry beside the webhook
/// counters. Labels name the account, protocol and endpoint URL — never a
/// login or a password.
extension MonitorMetrics {
    /// One handshake's result: `ok`, or the condition it failed at (`down`, `tls`, `login`).
    func probeFinished(_ target: ProbeTarget, _ outcome: ProbeOutcome) {
        counters.makeCounter(descriptor: Self.name("probes", "total", "Probe handshakes by endpoint and result (ok, down, tls, login)"),
                             labels: Self.labels(target) + [("result", outcome.failure?.condition.rawValue ?? "ok")]).increment()
        guard outcome.failure == nil || outcome.failure?.condition == .login else { return }
        // The time to connect, TLS and log in, whatever the login's verdict: the endpoint's own latency.
        counters.makeGauge(descriptor: Self.name("probe_latency", "seconds", "Duration of the last handshake that completed TLS"),
                           labels: Self.labels(target)).set(to: outcome.latency)
    }

    /// After a round: 1 when every handshake passed, and the runs of failures per condition.
    func probeRound(_ target: ProbeTarget, up: Bool, consecutive: (ProbeCondition) -> Int) {
        counters.makeGauge(descriptor: Self.name("probe_up", "", "1 when every handshake of the endpoint's last round passed"),
                           labels: Self.labels(target)).set(to: up ? 1 : 0)
        for c in ProbeCondition.allCases {
            counters.makeGauge(descriptor: Self.name("probe_consecutive_failures", "",
                                                     "Failures in a row per condition (login: the longest run of one login)"),
                               labels: Self.labels(target) + [("condition", c.rawValue)]).set(to: Double(consecutive(c)))
        }
    }

    private static func labels(_ t: ProbeTarget) -> [(String, String)] {
        [("account", t.account), ("protocol", t.proto.rawValue), ("endpoint", t.url)]
    }
}
