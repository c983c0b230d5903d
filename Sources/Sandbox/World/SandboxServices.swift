import Foundation
import Providers

/// Everything a service needs to start inside a sandbox world.
public struct SandboxServiceContext: Sendable {
    public let dnsView: DNSView
    /// Domains this service's account starts with (from the seed).
    public let domains: [String]
    /// Whether the real rate limits are enforced.
    public let limits: Bool
    public let faults: FaultProfile
    public let faultSeed: UInt64
    /// This service's part of a `--state` file, if one was loaded.
    public let savedState: Data?
    /// The seed's Zoho organisation (nil: keep the saved one or the default).
    public let zoho: SandboxZohoOrg?
    /// Where files for clients go (the Mailgun SMTP certificate): the world's
    /// own directory when it has a state file; nil: each service's temporary one.
    public let filesDirectory: String?
}

/// A started service: where it listens and how a client logs in.
public struct RunningService: Sendable {
    public let apiName: String
    public let server: EmulatorServer
    /// Where a client points (a base path included).
    public let url: URL
    public let credentials: SandboxCredentials
    /// The service's state for `--state`; nil when it keeps none.
    public let exportState: @Sendable () throws -> Data?
    /// Requests per endpoint (benchmarks read the throttled count here).
    public let counters: RequestCounters?
    /// Mailgun: sends its webhooks to a local base URL instead (`serve --sandbox`).
    public let redirectWebhooks: (@Sendable (String?) -> Void)?
    /// Stops everything the service listens on (nil: just `server`).
    private let stopAll: (@Sendable () async -> Void)?

    public init(apiName: String, server: EmulatorServer, url: URL, credentials: SandboxCredentials,
                counters: RequestCounters? = nil, exportState: @escaping @Sendable () throws -> Data? = { nil },
                redirectWebhooks: (@Sendable (String?) -> Void)? = nil, stop: (@Sendable () async -> Void)? = nil) {
        self.apiName = apiName
        self.server = server
        self.url = url
        self.credentials = credentials
        self.counters = counters
        self.exportState = exportState
        self.redirectWebhooks = redirectWebhooks
        self.stopAll = stop
    }

    /// The HTTP server and any other listener (Mailgun's SMTP port).
    public func stop() async {
        if let stopAll { await stopAll() } else { await server.stop() }
    }

    /// `url` plus the credentials under the real API's own field names: the
    /// world's JSON line, for scripts.
    public var descriptor: [String: String] {
        var d = credentials.fields
        d["url"] = url.absoluteString
        if case .zoho = credentials { d["accounts_url"] = url.absoluteString }
        return d
    }
}

/// How to start one API emulator. Adding a service to the sandbox is adding
/// one factory to `SandboxWorld.defaultServices`.
public struct SandboxServiceFactory: Sendable {
    public let apiName: String
    public let start: @Sendable (SandboxServiceContext) async throws -> RunningService

    public init(apiName: String, start: @escaping @Sendable (SandboxServiceContext) async throws -> RunningService) {
        self.apiName = apiName
        self.start = start
    }
}

extension SandboxServiceFactory {
    /// A service's state as the world file keeps it: JSON with sorted keys, so an
    /// unchanged world saves to the same bytes.
    public static func stateJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    public static let porkbun = SandboxServiceFactory(apiName: PorkbunEmulator.apiName) { ctx in
        let state = try ctx.savedState.map { try JSONDecoder().decode(PorkbunEmulatorState.self, from: $0) } ?? PorkbunEmulatorState()
        let emulator = PorkbunEmulator(state: state, dnsView: ctx.dnsView, limits: ctx.limits ? .porkbun : .unlimited,
                                       faults: FaultInjector(profile: ctx.faults, seed: ctx.faultSeed))
        await emulator.register(ctx.domains)
        let server = try await emulator.start()
        return RunningService(
            apiName: PorkbunEmulator.apiName, server: server,
            url: URL(string: server.baseURL.absoluteString + PorkbunEmulator.basePath)!,
            credentials: .porkbun(PorkbunCredentials(apiKey: emulator.apiKey, secretKey: emulator.secretKey)),
            counters: emulator.counters, exportState: { try stateJSON(emulator.state.value) })
    }

    public static let namecheap = SandboxServiceFactory(apiName: NamecheapEmulator.apiName) { ctx in
        let state = try ctx.savedState.map { try JSONDecoder().decode(NamecheapEmulatorState.self, from: $0) } ?? NamecheapEmulatorState()
        let emulator = NamecheapEmulator(state: state, dnsView: ctx.dnsView, limits: ctx.limits ? .namecheap : .unlimited,
                                         faults: FaultInjector(profile: ctx.faults, seed: ctx.faultSeed &+ 1))
        await emulator.register(ctx.domains)
        let server = try await emulator.start()
        return RunningService(
            apiName: NamecheapEmulator.apiName, server: server,
            url: URL(string: server.baseURL.absoluteString + NamecheapEmulator.path)!,
            credentials: .namecheap(NamecheapCredentials(apiUser: emulator.apiUser, apiKey: emulator.apiKey,
                                                         userName: emulator.userName, clientIP: "127.0.0.1")),
            counters: emulator.counters, exportState: { try stateJSON(emulator.state.value) })
    }
}
