import Foundation

/// Options for a whole sandbox world.
public struct SandboxOptions: Sendable {
    public var limits: Bool
    public var faults: FaultProfile
    public var faultSeed: UInt64
    /// JSON file the world is loaded from (if it exists) and saved to.
    public var statePath: String?

    public init(limits: Bool = true, faults: FaultProfile = .none, faultSeed: UInt64 = 1, statePath: String? = nil) {
        self.limits = limits
        self.faults = faults
        self.faultSeed = faultSeed
        self.statePath = statePath
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

    private init(dnsView: DNSView, services: [RunningService], options: SandboxOptions) {
        self.dnsView = dnsView
        self.services = services
        self.options = options
    }

    public static func start(seed: SandboxSeed, options: SandboxOptions = SandboxOptions(),
                             services factories: [SandboxServiceFactory] = defaultServices) async throws -> SandboxWorld {
        let saved = try options.statePath.flatMap { try loadState($0) } ?? [:]
        let view = DNSView()
        var running: [RunningService] = []
        do {
            for f in factories {
                let ctx = SandboxServiceContext(dnsView: view, domains: seed.domains(for: f.apiName), limits: options.limits,
                                                faults: options.faults, faultSeed: options.faultSeed, savedState: saved[f.apiName])
                running.append(try await f.start(ctx))
            }
        } catch {
            for r in running { await r.server.stop() }
            throw error
        }
        return SandboxWorld(dnsView: view, services: running, options: options)
    }

    public func service(_ apiName: String) -> RunningService? { services.first { $0.apiName == apiName } }

    /// One line of JSON keyed by API name: `{"namecheap":{"ApiKey":…,"url":…},"porkbun":{…}}`.
    public func descriptorJSON() -> String {
        var all: [String: [String: String]] = [:]
        for s in services { all[s.apiName] = s.descriptor }
        let data = (try? JSONSerialization.data(withJSONObject: all, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes every service's state into one JSON object keyed by API name
    /// (atomically, so a crash never leaves half a file).
    public func saveState(to path: String) throws {
        var all: [String: Any] = [:]
        for s in services {
            if let data = try s.exportState() { all[s.apiName] = try JSONSerialization.jsonObject(with: data) }
        }
        let data = try JSONSerialization.data(withJSONObject: all, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    static func loadState(_ path: String) throws -> [String: Data]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SandboxStateError(path: path, reason: "not a JSON object keyed by API name")
        }
        var out: [String: Data] = [:]
        for (k, v) in object { out[k] = try JSONSerialization.data(withJSONObject: v) }
        return out
    }

    public func stop() async {
        if let path = options.statePath { try? saveState(to: path) }
        for s in services { await s.server.stop() }
    }
}

public struct SandboxStateError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
