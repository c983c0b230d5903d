import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `serve`'s HTTP server as a `Service`: Hummingbird on HOST:PORT (port 0:
/// the kernel picks one), reporting the address it really bound once it
/// listens. A graceful shutdown stops accepting and lets in-flight requests
/// finish — a webhook's commit completes before its 200 goes out.
public struct MonitorHTTPService: Service {
    public var host: String
    public var port: Int
    /// Mounted on one router (`MonitorRouter`) when the service runs.
    public var routes: [any MonitorRoutes]
    /// Called once with the bound port (the JSON line, the sandbox's webhook targets).
    public var onListening: @Sendable (Int) async -> Void
    public var logger: Logger

    public init(host: String, port: Int, routes: [any MonitorRoutes], logger: Logger,
                onListening: @escaping @Sendable (Int) async -> Void) {
        self.host = host; self.port = port; self.routes = routes; self.logger = logger; self.onListening = onListening
    }

    public func run() async throws {
        let onListening = self.onListening
        let app = Application(router: MonitorRouter.build(routes),
                              configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { channel in await onListening(channel.localAddress?.port ?? -1) },
                              logger: logger)
        try await app.run()
    }
}

/// `--listen HOST:PORT` (IPv4, a name, or `[v6]:PORT`).
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) { self.host = host; self.port = port }

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host; self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Loopback addresses: the ones where the status side needs no auth.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}
