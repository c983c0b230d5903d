import Foundation
import Logging
import ServiceLifecycle

/// The tool's long-running services in one `ServiceGroup`, with one
/// graceful shutdown on SIGTERM or SIGINT. `send` runs the sender alone,
/// `sandbox` the emulators; `serve` composes the sender, the checkers and
/// the HTTP server by adding each here.
public struct Daemon: Sendable {
    public private(set) var services: [ServiceGroupConfiguration.ServiceConfiguration] = []

    public init() {}

    /// A service that returns on its own (a sender told to exit when idle)
    /// shuts the others down gracefully; one that throws cancels them.
    public mutating func add(_ service: some Service, name: String) {
        services.append(.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, serviceName: name))
    }

    /// Runs until every service has returned or a signal has shut them down.
    public func run() async throws {
        // Children of test harnesses may start with signals blocked; a daemon must hear SIGTERM.
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        let quiet = Logger(label: "reconcile.daemon") { _ in SwiftLogNoOpLogHandler() }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
        try await group.run()
    }
}
