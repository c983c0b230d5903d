import Hummingbird
import Logging
import Mustache

/// `GET /`: the fleet status page, behind the status access rule.
public struct StatusRoutes: MonitorRoutes {
    public let source: FleetSnapshotSource
    public let access: StatusAccess
    let template: MustacheTemplate

    public init(source: FleetSnapshotSource, access: StatusAccess) throws {
        self.source = source
        self.access = access
        self.template = try MustacheTemplate(string: StatusPageTemplate.source)
    }

    /// The page for one snapshot (also what tests render without a server).
    public func render(_ snapshot: FleetSnapshot) -> String { template.render(StatusPageView(snapshot)) }

    public func add(to router: Router<BasicRequestContext>) {
        let group = router.group().add(middleware: StatusAccessGate<BasicRequestContext>(access: access))
        group.get("/") { _, context in
            do {
                return MonitorReply.text(.ok, render(try source.snapshot()), contentType: "text/html; charset=utf-8")
            } catch {
                context.logger.error("status page: cannot read the state file: \(error)")
                return MonitorReply.text(.serviceUnavailable, "state file unreadable\n")
            }
        }
    }
}
