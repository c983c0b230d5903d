import Hummingbird
import Logging

/// `GET /metrics` (Prometheus text format 0.0.4) and `GET /healthz`, behind
/// the status access rule.
public struct MetricsRoutes: MonitorRoutes {
    public let source: FleetSnapshotSource
    public let metrics: MonitorMetrics
    public let access: StatusAccess

    public init(source: FleetSnapshotSource, metrics: MonitorMetrics, access: StatusAccess) {
        self.source = source; self.metrics = metrics; self.access = access
    }

    public func add(to router: Router<BasicRequestContext>) {
        let group = router.group().add(middleware: StatusAccessGate<BasicRequestContext>(access: access))
        group.get("metrics") { _, context in
            do {
                return MonitorReply.text(.ok, metrics.render(try source.snapshot()), contentType: "text/plain; version=0.0.4; charset=utf-8")
            } catch {
                context.logger.error("metrics: cannot read the state file: \(error)")
                return MonitorReply.text(.serviceUnavailable, "state file unreadable\n")
            }
        }
        // Healthy when the state file answers: the process is up and can work.
        group.get("healthz") { _, context in
            do {
                _ = try source.alerts.depth()
                return MonitorReply.text(.ok, "ok\n")
            } catch {
                context.logger.error("healthz: cannot read the state file: \(error)")
                return MonitorReply.text(.serviceUnavailable, "state file unreadable\n")
            }
        }
    }
}
