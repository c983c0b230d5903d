import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Runs one emulator's router as a real HTTP server on 127.0.0.1. Port 0 asks
/// the kernel for a free port; `start` returns once the server listens and
/// `port` holds the real one (swift-stack.md §6). `stop` shuts down gracefully
/// through the ServiceGroup.
public final class EmulatorServer: Sendable {
    public let name: String
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(name: String, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.name = name
        self.port = port
        self.group = group
        self.task = task
    }

    public static func start(name: String, router: Router<EmulatorContext>, port: Int = 0,
                             logLevel: Logger.Level = .warning) async throws -> EmulatorServer {
        var logger = Logger(label: "sandbox.\(name)")
        logger.logLevel = logLevel
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router,
                              configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? -1)
                                  continuation.finish()
                              },
                              logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var it = ports.makeAsyncIterator()
        let bound = await withTaskCancellationHandler {
            await it.next()
        } onCancel: {
            continuation.finish()
        }
        guard let bound, bound > 0 else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw EmulatorServerError.couldNotBind(name: name)
        }
        return EmulatorServer(name: name, port: bound, group: group, task: task)
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

public enum EmulatorServerError: Error, CustomStringConvertible {
    case couldNotBind(name: String)
    public var description: String {
        switch self {
        case .couldNotBind(let name): return "emulator \(name) could not bind 127.0.0.1"
        }
    }
}
