import Foundation
import Inventory
import Providers
import Reconciler
import Store
import TestSupport
import Testing

/// Rate budgets shared through a PostgreSQL state: processes on different
/// hosts (here: two connections) book one account's slots against one history.
@Suite struct SharedRateLedgerTests {
    static let window = RateWindow(limit: 5, seconds: 1)

    static func budget(_ state: StateStore, identity: String = "pk1_secret_key") throws -> RateBudget {
        let store = try #require(SharedRateLedgerStore(state))
        return RateBudget(windows: [window], ledger: SharedRateLedger(store: store, provider: "porkbun", identity: identity))
    }

    /// Each budget books `count` slots at once, both at the same time; all slots, sorted.
    static func book(_ budgets: [RateBudget], count: Int) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for budget in budgets {
                group.addTask { var out: [Double] = []; for _ in 0..<count { out.append(try await budget.reserve()) }; return out }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
    }

    /// Spans of one window holding more than its limit.
    static func violations(_ slots: [Double]) -> Int {
        guard slots.count > window.limit else { return 0 }
        return (0..<(slots.count - window.limit)).filter { slots[$0 + window.limit] - slots[$0] < window.seconds - 1e-6 }.count
    }

    @Test func twoBudgetsOnTwoConnectionsNeverBookMoreThanTheLimitInAWindow() async throws {
        let url = try PostgresServer.freshDatabase()
        let a = try StateStore(postgres: url), b = try StateStore(postgres: url)
        let shared = try await Self.book([try Self.budget(a), try Self.budget(b)], count: 25)
        #expect(shared.count == 50)
        #expect(Self.violations(shared) == 0)
        // Without the shared ledger the same two budgets each fill every window.
        let alone = try await Self.book([RateBudget(windows: [Self.window]), RateBudget(windows: [Self.window])], count: 25)
        #expect(Self.violations(alone) > 0)

        // The account is named by a hash, never by the key itself.
        let c = try PostgresConnection(url: url)
        let accounts = try c.rows("SELECT account FROM shared_rate_ledger").compactMap { $0[0] }
        #expect(accounts.count == 1 && accounts[0].hasPrefix("porkbun-") && !accounts[0].contains("pk1_secret_key"))
    }

    @Test func aPauseIsSeenByEveryHostAndOtherAccountsAreApart() async throws {
        let url = try PostgresServer.freshDatabase()
        let first = try Self.budget(try StateStore(postgres: url)), second = try Self.budget(try StateStore(postgres: url))
        let other = try Self.budget(try StateStore(postgres: url), identity: "pk1_other_key")
        await first.pause(for: 30)
        #expect(await second.currentWait() > 29)
        #expect(await other.currentWait() < 1)
    }

    /// `FleetProviders` given a PostgreSQL state books every account's slots
    /// there: the example inventory's Porkbun and Mailgun clients, built as a
    /// run builds them, write to `shared_rate_ledger` and leave no file.
    @Test func fleetProvidersOnAPostgresStateBookInTheSharedLedger() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let inventory = try InventoryLoader().loadAndCompile(directory: root.appendingPathComponent("inventory").path).inventory
        var environment: [String: String] = [:]
        for ref in inventory.secretReferences { environment[ref.name] = "value-of-\(ref.name)" }
        let url = try PostgresServer.freshDatabase()
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("rate-\(UUID().uuidString)").path
        let providers = try FleetProviders.build(for: inventory, environment: environment, rateDirectory: files,
                                                 sharedRates: SharedRateLedgerStore(try StateStore(postgres: url)))
        let porkbun = try #require(providers.registrars.values.compactMap { $0 as? PorkbunProvider }.first)
        _ = try await porkbun.client.http.budget.reserve()
        _ = try await porkbun.client.http.budget.reserve()
        let c = try PostgresConnection(url: url)
        let account = RateLedgerAccount.name(provider: "porkbun", identity: "value-of-PORKBUN_API_KEY")
        let grants = try #require(try c.rows("SELECT grants FROM shared_rate_ledger WHERE account = $1", [account]).first?.string("grants"))
        #expect(grants.split(separator: ",").count == 2)
        #expect(!FileManager.default.fileExists(atPath: files))
    }
}
