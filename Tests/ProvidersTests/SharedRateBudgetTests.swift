import Foundation
import Providers
import Sandbox
import Testing

/// Two processes on one account (two clients, each with its own budget, as a
/// plan and an apply or a cron drift would have) against an emulator that
/// counts like the provider: with a shared `FileRateLedger` nothing is
/// throttled, back to back or concurrently; without it the second starts
/// with a budget the provider does not see as empty, and is refused.
@Suite struct SharedRateBudgetTests {
    static let windows = [RateWindow(limit: 4, seconds: 2)]

    /// The throttled answers of: A uses the whole window, B follows at once, then both at the same time.
    static func throttled(_ first: (any RateLedger)?, _ second: (any RateLedger)?) async throws -> Int {
        let zone = "acme-outreach.net"
        var result = 0
        try await withNamecheap(domains: [zone], limits: ServerRateLimits(windows: windows),
                                budget: RateBudget(windows: windows, margin: 0.5, ledger: first), retry: .none) { a in
            let b = NamecheapClient(baseURL: a.server.baseURL.appendingPathComponent(NamecheapEmulator.path),
                                    credentials: NamecheapCredentials(apiUser: a.emulator.apiUser, apiKey: a.emulator.apiKey, clientIP: "127.0.0.1"),
                                    budget: RateBudget(windows: windows, margin: 0.5, ledger: second), retry: .none)
            for _ in 0..<4 { _ = try? await a.client.getHosts(zone) }
            for _ in 0..<4 { _ = try? await b.getHosts(zone) }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { for _ in 0..<4 { _ = try? await a.client.getHosts(zone) } }
                group.addTask { for _ in 0..<4 { _ = try? await b.getHosts(zone) } }
            }
            result = a.emulator.counters.totalThrottled
        }
        return result
    }

    @Test func processesSharingTheLedgerAreNeverThrottled() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Separate ledger values on one file, as two processes would open it.
        let shared = try await Self.throttled(FileRateLedger(directory: dir, provider: "namecheap", identity: "user"),
                                              FileRateLedger(directory: dir, provider: "namecheap", identity: "user"))
        #expect(shared == 0)
        let apart = try await Self.throttled(nil, nil)
        #expect(apart > 0, "without a shared ledger the second client should have been refused")
    }

    @Test func theLedgerFileIsPrivateNamesNoSecretAndSurvivesATornWrite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ledger = FileRateLedger(directory: dir, provider: "porkbun", identity: "pk1_secret_key")
        #expect(!ledger.path.contains("pk1_secret_key") && ledger.path.hasPrefix(dir + "/porkbun-"))
        try ledger.update { $0.grants = [1, 2, 3]; $0.pausedUntil = 5 }
        #expect(try ledger.update { $0 } == RateLedgerState(grants: [1, 2, 3], pausedUntil: 5))
        let mode = try FileManager.default.attributesOfItem(atPath: ledger.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A torn file (not a whole number of slots) reads as no history, and is rewritten whole.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: ledger.path))
        #expect(try ledger.update { $0 } == RateLedgerState())
        #expect(try ledger.update { $0.grants = [9]; return $0.grants } == [9])
        #expect(try ledger.update { $0 }.grants == [9])
    }
}
