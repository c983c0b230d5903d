import Foundation
import Testing
@testable import Providers
@testable import Sandbox

/// The registrars' pricing calls (`reconcile cost`) against the emulators over real HTTP.
@Suite struct PricingContractTests {
    @Test func porkbunPricingReadsEveryTLDWithoutTheKeys() async throws {
        try await withPorkbun { rig in
            // Wrong keys do not matter: pricing/get is not authenticated and the client sends none.
            let anonymous = PorkbunClient(baseURL: rig.client.baseURL, credentials: PorkbunCredentials(apiKey: "", secretKey: ""),
                                          budget: .unlimited(), retry: fastRetry)
            rig.emulator.prices.withValue { $0["com"] = SandboxTLDPrice(registration: "9.73", renewal: "10.44", transfer: "10.44") }
            let table = try await anonymous.pricing()
            #expect(table["com"]?.renewal?.value == "10.44")
            #expect(table["com"]?.registration?.value == "9.73")
            #expect(table["io"]?.renewal?.value == SandboxPriceList.porkbun["io"]?.renewal)
            #expect(table.count == SandboxPriceList.porkbun.count)
            #expect(rig.emulator.counters.requests("pricing/get") == 1)
            // The keyed endpoints still refuse the same client.
            let e = await providerFailure { try await anonymous.ping() }
            #expect(e?.kind == .authentication)
        }
    }

    @Test func namecheapRenewPricingPerTLD() async throws {
        try await withNamecheap { rig in
            let rows = try await rig.client.getDomainPricing(action: "RENEW", product: "com")
            #expect(rows.map(\.category) == ["RENEW", "RENEW"])
            #expect(rows.map(\.product) == ["com", "com"])
            #expect(rows.map(\.duration) == [1, 2])
            #expect(rows.map(\.amount) == ["18.48", "36.96"])
            #expect(rows.allSatisfy { $0.durationType == "YEAR" && $0.currency == "USD" })
            // A TLD the registrar does not sell: no rows, not an error.
            #expect(try await rig.client.getDomainPricing(action: "RENEW", product: "zz").isEmpty)
            rig.emulator.prices.withValue { $0["net"]?.renewal = "15.00" }
            #expect(try await rig.client.getDomainPricing(action: "RENEW", product: "net").first?.amount == "15.00")
            // Every call is authenticated: a wrong key is the documented global error.
            let bad = NamecheapClient(baseURL: rig.client.baseURL,
                                      credentials: NamecheapCredentials(apiUser: rig.emulator.apiUser, apiKey: "wrong", clientIP: "127.0.0.1"),
                                      budget: .unlimited(), retry: fastRetry)
            let e = await providerFailure { _ = try await bad.getDomainPricing(action: "RENEW", product: "com") }
            #expect(e?.kind == .authentication)
            #expect(e?.code == "1011102")
            #expect(e?.description.contains("wrong") == false)
        }
    }
}
