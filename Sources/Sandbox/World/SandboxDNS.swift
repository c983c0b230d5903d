import DNSRecords
import Foundation

/// The world's DNS served by a real Knot DNS (Debian `knot`) on loopback,
/// so `reconcile check --sandbox` asks a real server what the registrar
/// emulators publish. Zone files are written from the `DNSView` and
/// reloaded when it changes (polled: the emulators need no hook).
public final class SandboxDNS: @unchecked Sendable {
    /// Where Knot answers.
    public let address: String
    public let port: Int
    private let directory: URL
    private let process: Process
    /// What Knot was last given.
    private let served = Locked<[String: [DNSRecord]]>([:])
    /// Set once, right after init.
    private var poller: Task<Void, Never>?

    public static let knotd = "/usr/sbin/knotd"
    static let knotc = "/usr/sbin/knotc"

    /// nil when Knot is not installed (`scripts/bootstrap` installs it).
    public static func start(view: DNSView, directory: String) async throws -> SandboxDNS? {
        guard FileManager.default.isExecutableFile(atPath: knotd) else { return nil }
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
        self.directory = URL(fileURLWithPath: directory)
        process = Process()
        address = "127.0.0.1"
        port = try Self.freePort()
        try? FileManager.default.removeItem(at: self.directory)
        for sub in ["run", "storage", "zones"] {
            try FileManager.default.createDirectory(at: self.directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for (zone, records) in zones { try write(zone, records) }
        try writeConfig(zones.keys.sorted())
        served.value = zones
        process.executableURL = URL(fileURLWithPath: Self.knotd)
        process.arguments = ["-c", self.directory.appendingPathComponent("knot.conf").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw SandboxStateError(path: directory, reason: "knotd did not start (see \(directory)/knot.log)")
            }
            usleep(20_000)
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
            try writeConfig(zones.keys.sorted())
            try knotc(["reload"])
        } else if !changed.isEmpty {
            try knotc(["zone-reload"] + changed.sorted())
        }
        served.value = zones
    }

    public func stop() {
        poller?.cancel()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    // MARK: files

    private func writeConfig(_ zones: [String]) throws {
        let d = directory.path
        let list = zones.isEmpty ? "" : "zone:\n" + zones.map { "  - domain: \($0)\n" }.joined()
        let conf = """
            server:
                rundir: "\(d)/run"
                listen: \(address)@\(port)
            log:
              - target: "\(d)/knot.log"
                any: warning
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
        try Data(conf.utf8).write(to: directory.appendingPathComponent("knot.conf"), options: .atomic)
    }

    private func write(_ zone: String, _ records: [DNSRecord]) throws {
        var text = "$ORIGIN \(zone).\n$TTL 300\n"
        text += "@ SOA ns1.\(zone). hostmaster.\(zone). \(Int(Date().timeIntervalSince1970)) 3600 600 86400 300\n"
        for r in records { text += ZoneFileLine.line(r) + "\n" }
        try Data(text.utf8).write(to: directory.appendingPathComponent("zones/\(zone).zone"), options: .atomic)
    }

    private func knotc(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.knotc)
        p.arguments = ["-c", directory.appendingPathComponent("knot.conf").path, "-b"] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw SandboxStateError(path: "knot", reason: "no free loopback port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
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
