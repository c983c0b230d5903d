import DNSRecords
import Foundation

/// The world's DNS served by a real Knot DNS (Debian `knot`) on loopback,
/// so `reconcile check --sandbox` asks a real server what the registrar
/// emulators publish. Zone files are written from the `DNSView` and
/// reloaded when it changes (polled: the emulators need no hook).
public final class SandboxDNS: @unchecked Sendable {
    /// Where Knot answers.
    public let address = "127.0.0.1"
    public var port: Int { knot.port }
    private let knot: KnotDaemon
    /// What Knot was last given.
    private let served = Locked<[String: [DNSRecord]]>([:])
    /// Set once, right after init.
    private var poller: Task<Void, Never>?

    public static var knotd: String { KnotDaemon.knotd }

    /// nil when Knot is not installed (`scripts/bootstrap` installs it).
    public static func start(view: DNSView, directory: String) async throws -> SandboxDNS? {
        guard KnotDaemon.isInstalled else { return nil }
        let dns = try SandboxDNS(directory: directory, zones: await view.snapshot())
        dns.poller = Task { [weak dns] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard let dns else { return }
                try? dns.sync(await view.snapshot())
            }
        }
        return dns
    }

    private init(directory: String, zones: [String: [DNSRecord]]) throws {
        let url = URL(fileURLWithPath: directory)
        try? FileManager.default.removeItem(at: url)
        knot = try KnotDaemon(directory: url)
        for (zone, records) in zones { try write(zone, records) }
        served.value = zones
        do {
            try knot.start(zones: zones.keys.sorted())
        } catch {
            throw SandboxStateError(path: directory, reason: "\(error)")
        }
    }

    public var server: String { "\(address):\(port)" }

    /// Writes what changed since the last sync and has Knot reload it.
    func sync(_ zones: [String: [DNSRecord]]) throws {
        let before = served.value
        guard zones != before else { return }
        let changed = zones.filter { before[$0.key] != $0.value }.map(\.key)
        for z in changed { try write(z, zones[z]!) }
        if Set(zones.keys) != Set(before.keys) {
            try knot.writeConfig(zones: zones.keys.sorted())
            try knot.control(["reload"])
        } else if !changed.isEmpty {
            try knot.control(["zone-reload"] + changed.sorted())
        }
        served.value = zones
    }

    public func stop() {
        poller?.cancel()
        knot.stop()
    }

    private func write(_ zone: String, _ records: [DNSRecord]) throws {
        var text = "$ORIGIN \(zone).\n$TTL 300\n"
        text += "@ SOA ns1.\(zone). hostmaster.\(zone). \(Int(Date().timeIntervalSince1970)) 3600 600 86400 300\n"
        for r in records { text += ZoneFileLine.line(r) + "\n" }
        try Data(text.utf8).write(to: knot.zoneFile(zone), options: .atomic)
    }
}

/// One record in zone-file syntax, absolute names; TXT split into quoted
/// character-strings of at most 255 bytes.
enum ZoneFileLine {
    static func line(_ r: DNSRecord) -> String {
        let owner = r.name + "."
        switch r.type {
        case .MX: return "\(owner) \(r.ttl) MX \(r.priority ?? 10) \(r.value)."
        case .CNAME, .NS: return "\(owner) \(r.ttl) \(r.type.rawValue) \(r.value)."
        case .TXT: return "\(owner) \(r.ttl) TXT \(txt(r.value))"
        case .A, .AAAA, .CAA: return "\(owner) \(r.ttl) \(r.type.rawValue) \(r.value)"
        }
    }

    static func txt(_ value: String) -> String {
        var chunks: [String] = []
        var bytes = Array(value.utf8)[...]
        repeat {
            let chunk = bytes.prefix(255)
            bytes = bytes.dropFirst(chunk.count)
            var s = ""
            for b in chunk {
                switch b {
                case UInt8(ascii: "\""): s += "\\\""
                case UInt8(ascii: "\\"): s += "\\\\"
                case 0x20...0x7E: s.append(Character(UnicodeScalar(b)))
                default: s += String(format: "\\%03d", b)
                }
            }
            chunks.append("\"\(s)\"")
        } while !bytes.isEmpty
        return chunks.joined(separator: " ")
    }
}
