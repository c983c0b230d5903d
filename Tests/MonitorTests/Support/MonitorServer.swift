import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import ServiceLifecycle

/// The monitor's routes on a real HTTP server on 127.0.0.1 and a kernel-chosen
/// port, as `serve` runs them; `stop` ends it gracefully.
final class MonitorServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) { self.port = port; self.group = group; self.task = task }

    static func start(_ add: (Router<BasicRequestContext>) -> Void) async throws -> MonitorServer {
        let router = Router()
        add(router)
        var logger = Logger(label: "monitor-test")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? -1)
                                  continuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
        let task = Task { try await group.run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next(), port > 0 else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw URLError(.cannotConnectToHost)
        }
        return MonitorServer(port: port, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

/// One HTTP GET through curl (a real client that, unlike Linux's URLSession,
/// does not stall on a 401 challenge): status, body, content type.
func httpGet(_ url: URL, authorization: String? = nil) async throws -> (status: Int, body: String, contentType: String?) {
    let dir = try temporaryDirectory("curl")
    defer { try? FileManager.default.removeItem(at: dir) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    var args = ["-sS", "--max-time", "20", "-o", dir.appendingPathComponent("body").path,
                "-D", dir.appendingPathComponent("headers").path, "-w", "%{http_code}"]
    if let authorization { args += ["-H", "Authorization: \(authorization)"] }
    p.arguments = args + [url.absoluteString]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    // Off the pool: the server curl talks to runs in this process (see offPool).
    let status = try await offPool {
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }
    let body = (try? String(contentsOf: dir.appendingPathComponent("body"), encoding: .utf8)) ?? ""
    let headers = (try? String(contentsOf: dir.appendingPathComponent("headers"), encoding: .utf8)) ?? ""
    let type = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
        .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) }
    return (Int(String(decoding: status, as: UTF8.self)) ?? -1, body, type)
}

/// A fresh directory under the system temp dir, removed by the caller.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    let safe = name.filter { $0.isLetter || $0.isNumber }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("monitor-\(safe)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Polls until `condition` holds or `seconds` pass; true when it held.
func eventually(within seconds: Double, _ condition: () throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try condition()
}
