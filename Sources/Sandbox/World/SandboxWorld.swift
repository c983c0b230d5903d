import Foundation
import Store

/// Options for a whole sandbox world.
public struct SandboxOptions: Sendable {
    public var limits: Bool
    public var faults: FaultProfile
    public var faultSeed: UInt64
    /// JSON file the world is loaded from (if it exists) and saved to.
    public var statePath: String?
    /// Serve the world's zones over DNS with a real Knot (when installed),
    /// and its web forwards over HTTP (`SandboxWeb`).
    public var publishDNS: Bool

    public init(limits: Bool = true, faults: FaultProfile = .none, faultSeed: UInt64 = 1, statePath: String? = nil,
                publishDNS: Bool = false) {
        self.limits = limits
        self.faults = faults
        self.faultSeed = faultSeed
        self.statePath = statePath
        self.publishDNS = publishDNS
    }
}

/// Every emulator of the sandbox, started together over one shared DNS view.
public final class SandboxWorld: Sendable {
    /// The services a world starts: both registrars, then the mail platforms.
    public static let defaultServices: [SandboxServiceFactory] = [.porkbun, .namecheap] + SandboxServiceFactory.mail

    /// The API names that register domains (what a `SandboxSeed` may name).
    public static let registrarAPIs: Set<String> = ["porkbun", "namecheap"]

    public let dnsView: DNSView
    public let services: [RunningService]
    public let options: SandboxOptions
    /// The view served by Knot, with `options.publishDNS` and knotd installed.
    public let dns: SandboxDNS?
    /// The registrars' forwarding hosts, with `options.publishDNS`.
    public let web: SandboxWeb?

    private init(dnsView: DNSView, services: [RunningService], options: SandboxOptions, dns: SandboxDNS?, web: SandboxWeb?) {
        self.dnsView = dnsView
        self.services = services
        self.options = options
        self.dns = dns
        self.web = web
    }

    public static func start(seed: SandboxSeed, options: SandboxOptions = SandboxOptions(),
                             services factories: [SandboxServiceFactory] = defaultServices) async throws -> SandboxWorld {
        let saved = try options.statePath.flatMap { try loadState($0) } ?? [:]
        let view = DNSView()
        var running: [RunningService] = []
        do {
            for f in factories {
                let ctx = SandboxServiceContext(dnsView: view, domains: seed.domains(for: f.apiName), limits: options.limits,
                                                faults: options.faults, faultSeed: options.faultSeed, savedState: saved[f.apiName],
                                                zoho: seed.zoho, filesDirectory: options.statePath.map(directory(of:)))
                do { running.append(try await f.start(ctx)) } catch let e as DecodingError {
                    throw SandboxStateError(path: options.statePath ?? "(state)", reason: "the saved \(f.apiName) state does not load: \(e)")
                }
            }
            // After the registrars: they publish their saved zones as they start.
            let web = options.publishDNS ? try await SandboxWeb.start(view: view) : nil
            do {
                let dns = options.publishDNS ? try await SandboxDNS.start(view: view, directory: dnsDirectory(options)) : nil
                return SandboxWorld(dnsView: view, services: running, options: options, dns: dns, web: web)
            } catch {
                await web?.stop()
                throw error
            }
        } catch {
            for r in running { await r.stop() }
            throw error
        }
    }

    /// Knot's files: beside the world file, or in a temporary directory.
    static func dnsDirectory(_ options: SandboxOptions) -> String {
        if let path = options.statePath { return directory(of: path) + "/knot" }
        return FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-knot-\(UUID().uuidString.prefix(8))").path
    }

    static func directory(of path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        return dir.isEmpty ? "." : dir
    }

    /// The state file of a world kept in a directory (`.reconcile/sandbox/world.json`).
    public static let stateFileName = "world.json"

    /// A world persisted in `home` (created if missing): loaded from
    /// `<home>/world.json` when it exists, saved there by `save()` and `stop()`.
    /// Seed domains the saved world does not hold yet are registered as freshly
    /// bought; everything it holds is kept as it was.
    public static func start(home: String, seed: SandboxSeed, options: SandboxOptions = SandboxOptions(),
                             services factories: [SandboxServiceFactory] = defaultServices) async throws -> SandboxWorld {
        try PrivateFiles.createDirectory(home)
        var options = options
        options.statePath = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/" + stateFileName
        return try await start(seed: seed, options: options, services: factories)
    }

    /// Saves the world to its state file now (e.g. right after an apply), atomically.
    public func save() throws {
        guard let path = options.statePath else {
            throw SandboxStateError(path: "(none)", reason: "this world has no state file (start it with home: or statePath)")
        }
        try saveState(to: path)
    }

    public func service(_ apiName: String) -> RunningService? { services.first { $0.apiName == apiName } }

    /// HTTP requests each API emulator has answered since the world started.
    public var apiRequests: [String: Int] {
        var out: [String: Int] = [:]
        for s in services { if let c = s.counters { out[s.apiName] = c.totalRequests } }
        return out
    }

    /// One line of JSON keyed by API name: `{"namecheap":{"ApiKey":…,"url":…},"porkbun":{…}}`.
    public func descriptorJSON() -> String {
        var all: [String: [String: String]] = [:]
        for s in services { all[s.apiName] = s.descriptor }
        if let dns { all["dns"] = ["server": dns.server] }
        if let web { all["web"] = ["server": web.description] }
        let data = (try? JSONSerialization.data(withJSONObject: all, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes every service's state into one JSON object keyed by API name
    /// (atomically, so a crash never leaves half a file).
    public func saveState(to path: String) throws {
        var parts: [String: Data] = [:]
        for s in services {
            if let data = try s.exportState() { parts[s.apiName] = data }
        }
        // 0600: the world holds the emulators' credentials and mailbox passwords.
        try PrivateFiles.write(try WorldStateFile.encode(parts), to: path)
    }

    static func loadState(_ path: String) throws -> [String: Data]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        PrivateFiles.warnIfExposed(path)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SandboxStateError(path: path, reason: "cannot read the saved world (\(error.localizedDescription))")
        }
        return try WorldStateFile.decode(data, path: path)
    }

    public func stop() async {
        if let path = options.statePath { try? saveState(to: path) }
        dns?.stop()
        await web?.stop()
        for s in services { await s.stop() }
    }
}

public struct SandboxStateError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
