import Foundation
import Inventory
import Providers
import Store
import Testing
@testable import Reconciler

/// `FleetPlanner` plans runs of domains side by side and joins them; the
/// plan and the observed hashes its fingerprint is checked against must not
/// depend on how many runs.
@Suite struct ParallelPlanningTests {
    /// The example inventory's Porkbun and Namecheap domains with their mail
    /// side, against emulators holding nothing yet (creates, follow-ups
    /// waiting on verification, record values known after apply), one
    /// Namecheap domain not in the account (blocked): the same plan, byte for
    /// byte, from one run, a few, and more runs than domains.
    @Test func aPlanCutIntoPartsIsThePlanOfOneLoop() async throws {
        let (porkbun, org) = try ExampleInventory.domains(.porkbun)
        let (namecheap, _) = try ExampleInventory.domains(.namecheap)
        try #require(namecheap.count >= 2)
        let world = try await MailWorld(domains: porkbun.map(\.name), namecheapDomains: namecheap.dropLast().map(\.name), zohoOrg: org)
        do {
            let desired = DesiredState(domains: (porkbun + namecheap).sorted { $0.name < $1.name }, mailboxes: [])
            let providers = FleetProviders(registrars: world.registrars, mailgun: world.accounts.mailgun, zoho: world.accounts.zoho)
            func plan(_ parts: Int) async throws -> (json: String, hashes: [String: String]) {
                var planner = FleetPlanner(desired: desired, inventoryHash: "parts", providers: providers, store: world.store, concurrency: 4)
                planner.parts = parts
                let result = try await planner.plan(refresh: .auto(maxAge: 3600))
                return (try JSONRenderer().render(result.plan), result.observedHashes)
            }
            let one = try await plan(1)
            let first = try JSONDecoder().decode(Plan.self, from: Data(one.json.utf8))
            #expect(first.counts.create > 10)
            #expect(first.domains.contains { $0.domain == namecheap.last!.name && $0.blocked != nil })
            #expect(one.hashes.count > desired.domains.count)
            for parts in [2, 5, desired.domains.count + 7] {
                let split = try await plan(parts)
                #expect(split.json == one.json, "parts: \(parts)")
                #expect(split.hashes == one.hashes, "parts: \(parts)")
            }
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
