import Foundation

/// A real Knot DNS (Debian `knot`) on 127.0.0.1 with a private configuration
/// directory (`run/`, `storage/`, `zones/<origin>.zone`): the one runner the
/// sandbox's DNS and the tests' Knot share. Callers write the zone files;
/// this owns the configuration, the process and its control.
public final class KnotDaemon: @unchecked Sendable {
    public static let knotd = "/usr/sbin/knotd"
    static let knotc = "/usr/sbin/knotc"
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: knotd) }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: URL
    public private(set) var port: Int
    private var process = Process()
    private let logLevel: String
    private var configPath: String { directory.appendingPathComponent("knot.conf").path }

    /// Creates the directory's layout; `start` runs the server.
    public init(directory: URL, logLevel: String = "warning") throws {
        self.directory = directory
        self.logLevel = logLevel
        port = 0
        for sub in ["run", "storage", "zones"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    public func zoneFile(_ origin: String) -> URL { directory.appendingPathComponent("zones/\(origin).zone") }

    /// Starts knotd serving `zones`. A port taken between the choice and
    /// knotd's bind makes it exit at once: then it is retried on another port.
    public func start(zones: [String], attempts: Int = 5, timeout: TimeInterval = 20) throws {
        var lastLog = ""
        for _ in 0..<attempts {
            port = try LoopbackPort.free()
            try writeConfig(zones: zones)
            process = Process()
            process.executableURL = URL(fileURLWithPath: Self.knotd)
            process.arguments = ["-c", configPath]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline, !LoopbackPort.accepts(port) { usleep(20_000) }
            if process.isRunning, LoopbackPort.accepts(port) { return }
            stop()
            lastLog = logTail()
        }
        throw Failure(description: "knotd did not start in \(directory.path): \(lastLog.isEmpty ? "no log" : lastLog)")
    }

    /// Rewrites the configuration for a new zone list (then `control(["reload"])`).
    public func writeConfig(zones: [String]) throws {
        let d = directory.path
        let list = zones.isEmpty ? "" : "zone:\n" + zones.map { "  - domain: \($0)\n" }.joined()
        let conf = """
            server:
                rundir: "\(d)/run"
                listen: 127.0.0.1@\(port)
            log:
              - target: "\(d)/knot.log"
                any: \(logLevel)
            database:
                storage: "\(d)/storage"
            template:
              - id: default
                storage: "\(d)/zones"
                file: "%s.zone"
                semantic-checks: off
                zonefile-sync: -1
                journal-content: none

            """ + list
        try Data(conf.utf8).write(to: URL(fileURLWithPath: configPath), options: .atomic)
    }

    /// `knotc` against this server, blocking until it has answered.
    public func control(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.knotc)
        p.arguments = ["-c", configPath, "-b"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "knotc \(args.joined(separator: " ")) exited \(p.terminationStatus): \(logTail())")
        }
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if process.processIdentifier != 0 { process.waitUntilExit() }
    }

    /// The last lines of Knot's log, for errors.
    private func logTail() -> String {
        let text = (try? String(contentsOfFile: directory.appendingPathComponent("knot.log").path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: "; ")
    }
}
