import Hummingbird

/// A group of routes `reconcile serve` mounts: webhooks, unsubscribes, and
/// (from the status side) the page, metrics and health. Value types, so the
/// router is assembled in one place from whatever `serve` runs.
public protocol MonitorRoutes: Sendable {
    func add(to router: Router<BasicRequestContext>)
}

/// The one router of `reconcile serve`.
public enum MonitorRouter {
    public static func build(_ groups: [any MonitorRoutes]) -> Router<BasicRequestContext> {
        let router = Router()
        for g in groups { g.add(to: router) }
        return router
    }
}
