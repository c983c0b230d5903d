import Foundation
import Store

/// A private PostgreSQL cluster on 127.0.0.1 (monitoring.md "PostgreSQL"),
/// started by `scripts/postgres-cluster` on a free port: one per test
/// process (initdb takes seconds on 2 cores), one fresh database per test.
/// Stopped when the test process exits, also when it is killed (the
/// script's `--watch`).
public final class PostgresServer: Sendable {
    public let port: Int
    public let dir: String

    /// The process's cluster, started on first use.
    public static let shared: Result<PostgresServer, any Error> = Result { try PostgresServer() }

    /// The shared cluster's new empty database, as a `--state` URL.
    public static func freshDatabase() throws -> PostgresURL { try shared.get().createDatabase() }

    init() throws {
        let script = ReconcileBinary.repositoryRoot.appendingPathComponent("scripts/postgres-cluster").path
        var lastError = ""
        for _ in 0..<5 {
            let port = Self.freePort()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-pg-\(UUID().uuidString.prefix(8))").path
            // system(3), not Foundation's Process: its waitUntilExit never saw this
            // script exit (the script leaves a detached watchdog behind).
            let log = dir + ".start.log"
            let command = "/bin/bash '\(script)' start --dir '\(dir)' --port \(port) --watch \(getpid()) >'\(log)' 2>&1"
            let status = system(command)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: log)
            if status == 0, text.contains("postgres://") {
                self.port = port
                self.dir = dir
                return
            }
            let errText = text
            lastError = errText
        }
        throw PostgresError(kind: .connection, message: "the test cluster did not start: \(lastError)", server: "127.0.0.1")
    }

    /// A new database, named uniquely.
    public func createDatabase() throws -> PostgresURL {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: try PostgresURL("postgres://postgres@127.0.0.1:\(port)/postgres"))
        try admin.query("CREATE DATABASE \(name)")
        return try PostgresURL("postgres://postgres@127.0.0.1:\(port)/\(name)")
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
