import DNSRecords
import Foundation
import Hummingbird
import Providers

/// A loopback Zoho Mail: the OAuth token endpoint and the organization admin API
/// on one port, behind the shared emulator gate. Ownership, MX, SPF and DKIM verify
/// only from the records present in the world's `DNSView`.
public final class ZohoEmulator: Sendable {
    public let region: ZohoRegion
    public let orgID: String
    public let clientID: String
    public let clientSecret: String
    public let refreshToken: String
    public let faults: FaultInjector
    public let counters: RequestCounters
    public let limiter: ServerRateLimiter
    public let server: EmulatorServer
    let state: ZohoEmulatorState

    public var url: URL { server.baseURL }

    init(region: ZohoRegion, orgID: String, clientID: String, clientSecret: String, refreshToken: String,
         faults: FaultInjector, counters: RequestCounters, limiter: ServerRateLimiter, server: EmulatorServer, state: ZohoEmulatorState) {
        self.region = region; self.orgID = orgID; self.clientID = clientID; self.clientSecret = clientSecret
        self.refreshToken = refreshToken; self.faults = faults; self.counters = counters; self.limiter = limiter
        self.server = server; self.state = state
    }

    /// `tokenLifetime` is 3600 s at Zoho (§2.1); tests shorten it to exercise refresh.
    public static func start(region: ZohoRegion = .com, dns: DNSView, clientID: String, clientSecret: String, refreshToken: String,
                             orgID: Int64 = 2_560_636_000_000_000_001, tokenLifetime: Double = 3600,
                             faults: FaultProfile = .none, seed: UInt64 = 1, limits: ServerRateLimits = .unlimited,
                             port: Int = 0, savedState: Data? = nil) async throws -> ZohoEmulator {
        let saved = try savedState.map { try JSONDecoder().decode(ZohoEmulatorState.Persisted.self, from: $0) }
        let state = ZohoEmulatorState(region: region, dns: dns, zoid: orgID, seed: seed, restoring: saved)
        let injector = FaultInjector(profile: faults, seed: seed)
        let counters = RequestCounters()
        let limiter = ServerRateLimiter(limits: limits)
        let routes = ZohoRoutes(state: state, clientID: clientID, clientSecret: clientSecret, refreshToken: refreshToken,
                                tokenLifetime: tokenLifetime)
        let router = routes.router(gate: EmulatorGate(traits: ZohoRoutes.traits, limiter: limiter, faults: injector, counters: counters))
        let server = try await EmulatorServer.start(name: "zoho", router: router, port: port)
        return ZohoEmulator(region: region, orgID: String(orgID), clientID: clientID, clientSecret: clientSecret,
                            refreshToken: refreshToken, faults: injector, counters: counters, limiter: limiter,
                            server: server, state: state)
    }

    public func stop() async { await server.stop() }

    /// The organisation (domains with codes, flags and DKIM keys; users; tokens; id
    /// generator) as JSON; `start(savedState:)` restores it. Synchronous so a world
    /// can save from anywhere.
    public func exportState() throws -> Data {
        try SandboxServiceFactory.stateJSON(state.snapshot())
    }

    /// Region and organisation id recorded in a saved state, if it holds them.
    static func savedOrganisation(_ data: Data?) -> SandboxZohoOrg? {
        guard let data, let saved = try? JSONDecoder().decode(ZohoEmulatorState.Persisted.self, from: data) else { return nil }
        return SandboxZohoOrg(region: saved.region, zoid: saved.zoid)
    }

    /// Makes every issued access token expired (tests the refresh-once path).
    public func expireAccessTokens() async { await state.expireAllTokens() }
    public func tokensIssued() async -> Int { await state.tokenIssues }
    public func domainNames() async -> [String] { await state.domains.keys.sorted() }
    public func userAddresses() async -> [String] { await state.users.values.map(\.address).sorted() }
    public func isUserEnabled(_ address: String) async -> Bool? {
        await state.users.values.first { $0.address == address.lowercased() }?.enabled
    }
}
