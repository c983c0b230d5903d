import Foundation
import Sandbox

/// A real Knot DNS (Debian `knot`) on 127.0.0.1, authoritative for the
/// zones it is given, with a private configuration in a temporary directory
/// (monitoring.md "Knot DNS"). Zones are replaced by rewriting their file and
/// `knotc zone-reload`; a zone declared without records has no file, so
/// Knot answers SERVFAIL for it.
public final class KnotServer: @unchecked Sendable {
    public let dir: URL
    public var port: Int { knot.port }
    private let knot: KnotDaemon

    /// `zones`: origin → records in zone-file syntax (relative names allowed);
    /// SOA is added, and `@ NS ns1.<origin>.` unless the records have apex NS lines. An origin mapped to nil is declared and broken.
    public init(zones: [String: String?]) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("knot-\(UUID().uuidString.prefix(8))")
        knot = try KnotDaemon(directory: dir, logLevel: "info")
        for (origin, records) in zones { if let records { try write(origin, records) } }
        try knot.start(zones: zones.keys.sorted())
    }

    /// Replaces a zone's records and waits until Knot serves them.
    public func replace(_ origin: String, _ records: String) throws {
        try write(origin, records)
        try knot.control(["zone-reload", origin])
    }

    public func stop() {
        knot.stop()
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
        try text.write(to: knot.zoneFile(origin), atomically: true, encoding: .utf8)
    }
}
