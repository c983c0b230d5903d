import Foundation
@testable import App
import Inventory
import Providers
import Sandbox
import Testing

/// The cost layer in-process: the pricing sources against real emulators,
/// and the estimator's choices on the repository's example inventory.
@Suite struct CostEstimatorTests {
    static func example() throws -> Inventory { try InventoryLoader().load(directory: AppLayerTests.inventoryDirectory).inventory }

    @Test func pricingSourcesReadTheEmulatorsAndAMissingNamecheapKeyIsAProblem() async throws {
        let porkbun = PorkbunEmulator(limits: .unlimited)
        let namecheap = NamecheapEmulator(limits: .unlimited)
        let pb = try await porkbun.start()
        let nc: EmulatorServer
        do { nc = try await namecheap.start() } catch { await pb.stop(); throw error }
        do {
            let inventory = try Self.example()
            let endpoints = ["porkbun": URL(string: pb.baseURL.absoluteString + PorkbunEmulator.basePath)!,
                             "namecheap": URL(string: nc.baseURL.absoluteString + NamecheapEmulator.path)!]
            // The example's Namecheap account is `acmeops` at 203.0.113.7; the emulator's user is `sandbox`.
            var bound = inventory
            if case .namecheap(var n)? = bound.accounts["namecheap"]?.settings {
                (n.apiUser, n.username, n.clientIP) = (namecheap.apiUser, namecheap.userName, "127.0.0.1")
                bound.accounts["namecheap"]?.settings = .namecheap(n)
            }
            let (sources, problems) = RegistrarPricing.sources(for: bound, environment: ["NAMECHEAP_API_KEY": namecheap.apiKey],
                                                               endpoints: endpoints)
            #expect(problems.isEmpty)
            let p = try await #require(sources["porkbun"]).renewalPrices(tlds: ["com", "io", "zz"])
            #expect(p == ["com": USD(cents: 1108), "io": USD(cents: 4648)])   // .zz is not sold: left out
            let n = try await #require(sources["namecheap"]).renewalPrices(tlds: ["net", "de"])
            #expect(n == ["net": USD(cents: 1798), "de": USD(cents: 998)])
            #expect(namecheap.counters.requests("namecheap.users.getpricing") == 2)   // one call per TLD

            // Without the key, Namecheap has no source and the report says why, naming the reference only.
            let (without, missing) = RegistrarPricing.sources(for: bound, environment: [:], endpoints: endpoints)
            #expect(without["namecheap"] == nil && without["porkbun"] != nil)
            #expect(missing == ["namecheap": "env:NAMECHEAP_API_KEY is not set in the environment"])
        } catch {
            await pb.stop(); await nc.stop()
            throw error
        }
        await pb.stop(); await nc.stop()
    }

    @Test func plansAreChosenByVolumeSharedByVolumeAndWhatDoesNotFitIsNamed() throws {
        var inventory = try Self.example()
        let prices = ["porkbun": ["com": USD(cents: 1108), "io": USD(cents: 4648), "eu": USD(cents: 477)]]
        // Namecheap's prices are missing: its three domains are unpriced, with the reason.
        let estimator = CostEstimator(renewalPrices: prices, priceProblems: ["namecheap": "its pricing API failed: timeout"],
                                      plannedEmails: ["us-outreach": 9_000, "eu-outreach": 60_000])
        var r = estimator.estimate(inventory)
        #expect(r.mailgun.map(\.plan) == ["scale", "basic"])   // eu 60,000 needs scale; us 9,000 fits basic
        #expect(r.warnings.map(\.kind) == [.unpriced, .unpriced, .unpriced])   // .de, .eu, .net at namecheap
        #expect(r.warnings.map(\.message).first == "no renewal price for .de at namecheap (1 domain, left out of the totals): its pricing API failed: timeout; set costs.renewal_overrides.de")
        #expect(r.groups.map(\.unpriced) == [2, 1])

        // Two groups on one pool share its plan by volume, to the cent.
        for i in inventory.groups.indices { inventory.groups[i].pool = "mailgun-us" }
        inventory.costs.mailgunPlans = [MailgunPlan(name: "odd", monthly: USD(cents: 10_001), emailsPerMonth: 100_000)]
        inventory.costs.zoho.maxMailboxes = 5
        inventory.costs.budgetMonthly = USD(cents: 100)
        inventory.costs.renewalOverrides = ["net": USD(cents: 1200), "de": USD(cents: 1000), "eu": USD(cents: 500)]
        r = CostEstimator(renewalPrices: prices, plannedEmails: ["us-outreach": 30_000, "eu-outreach": 60_000]).estimate(inventory)
        #expect(r.mailgun.count == 1)
        #expect(r.groups.map(\.mailgunMonthly) == [USD(cents: 6_668), USD(cents: 3_333)])   // eu 2/3, us 1/3, the odd cent to the larger share
        #expect(r.renewals.first { $0.domain == "acmehq.eu" }?.source == "costs.renewal_overrides")
        #expect(r.warnings.map(\.kind) == [.zohoMailboxes, .budget])
        #expect(r.monthly == r.groups[0].monthly + r.groups[1].monthly)
        #expect(!r.fits)
    }
}
