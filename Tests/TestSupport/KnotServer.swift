import Foundation

/// A real Knot DNS (Debian `knot`) on 127.0.0.1, authoritative for the
/// zones it is given, with a private configuration in a temporary directory
/// (monitoring.md "Knot DNS"). Zones are replaced by rewriting their file and
/// `knotc zone-reload`; a zone declared without records has no file, so
/// Knot answers SERVFAIL for it.
public final class KnotServer: @unchecked Sendable {
    public let dir: URL
    public let port: Int
    let process = Process()
    private var conf: String { dir.appendingPathComponent("knot.conf").path }

    public enum Failure: Error { case didNotStart(String), command(String) }

    /// `zones`: origin → records in zone-file syntax (relative names allowed);
    /// SOA is added, and `@ NS ns1.<origin>.` unless the records have apex NS lines. An origin mapped to nil is declared and broken.
    public init(zones: [String: String?]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("knot-\(UUID().uuidString.prefix(8))")
        for sub in ["run", "storage", "zones"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        port = try DovecotServer.freePort()
        let d = dir.path
        for (origin, records) in zones { if let records { try write(origin, records) } }
        let zoneList = zones.keys.sorted().map { "  - domain: \($0)" }.joined(separator: "\n")
        try """
            server:
                rundir: "\(d)/run"
                listen: 127.0.0.1@\(port)
            log:
              - target: "\(d)/knot.log"
                any: info
            database:
                storage: "\(d)/storage"
            template:
              - id: default
                storage: "\(d)/zones"
                file: "%s.zone"
                semantic-checks: off
                zonefile-sync: -1
                journal-content: none
            zone:
            \(zoneList)

            """.write(toFile: conf, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/knotd")
        process.arguments = ["-c", conf]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while !DovecotServer.accepts(port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw Failure.didNotStart((try? String(contentsOfFile: "\(d)/knot.log", encoding: .utf8)) ?? "no log")
            }
            usleep(20_000)
        }
    }

    /// Replaces a zone's records and waits until Knot serves them.
    public func replace(_ origin: String, _ records: String) throws {
        try write(origin, records)
        try DovecotServer.run("/usr/sbin/knotc", ["-c", conf, "-b", "zone-reload", origin])
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: dir)
    }

    private func write(_ origin: String, _ records: String) throws {
        let text = """
            $ORIGIN \(origin).
            $TTL 300
            @ SOA ns1.\(origin). hostmaster.\(origin). \(Int(Date().timeIntervalSince1970)) 3600 600 86400 300
            \(records.contains("@ NS ") ? "" : "@ NS ns1.\(origin).")
            \(records)

            """
        try text.write(to: dir.appendingPathComponent("zones/\(origin).zone"), atomically: true, encoding: .utf8)
    }
}
