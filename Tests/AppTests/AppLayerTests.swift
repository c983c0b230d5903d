import Foundation
@testable import App
import Inventory
import Reconciler
import Sandbox
import Testing

/// The application layer in-process, without a subprocess: scope
/// resolution, the loopback guard, the sandbox seed and binding built from
/// the one loaded inventory (the repository's example, against real
/// emulators on 127.0.0.1).
@Suite struct AppLayerTests {
    static let inventoryDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("inventory").path

    static func compiled() throws -> CompiledInventory { try InventoryLoader().loadAndCompile(directory: inventoryDirectory) }

    @Test func domainsAndGroupsAreUnitedCaseAndTrailingDotIgnored() throws {
        let desired = try Self.compiled().desired
        let group = desired.domains[0].group
        let other = try #require(desired.domains.first { $0.group != group })
        let picked = try ScopeRequest(domains: [other.name.uppercased() + "."], groups: [" \(group.uppercased()) "]).named(in: desired)
        #expect(picked == Set(desired.domains.filter { $0.group == group }.map(\.name)).union([other.name]))
        #expect(try ScopeRequest().named(in: desired) == nil)
    }

    @Test func unknownDomainsAndGroupsAreErrorsNamingThem() throws {
        let desired = try Self.compiled().desired
        #expect { try ScopeRequest(domains: ["nope.example"]).named(in: desired) } throws: {
            "\($0)" == "--domain nope.example: not a domain of the inventory"
        }
        #expect { try ScopeRequest(groups: ["a,nope"]).named(in: desired) } throws: {
            "\($0)".hasPrefix("--group a: not a group of the inventory (groups: ")
        }
    }

    @Test func rateLimitsAreLiftedOnlyWhenEveryAccountIsOnLoopback() throws {
        var inventory = try Self.compiled().inventory
        let first = try #require(inventory.sortedAccounts.first).name
        #expect { try RateLimitGuard.check(inventory) } throws: { "\($0)".contains("account \(first) does not point at 127.0.0.1") }
        for name in inventory.accounts.keys { inventory.accounts[name]?.endpoint = "http://127.0.0.1:9/" }
        try RateLimitGuard.check(inventory)
        inventory.accounts[first]?.endpoint = "https://127.0.0.1.example.com/"
        #expect(throws: AppError.self) { try RateLimitGuard.check(inventory) }
    }

    @Test func sandboxSeedIsTheLoadedInventorysDomainsAndZohoOrganisation() throws {
        let inventory = try Self.compiled().inventory
        let seed = try SandboxSeed(inventory)
        for api in ["porkbun", "namecheap"] {
            let expected = inventory.domains.filter { inventory.account(named: $0.registrar)?.kind.rawValue == api }.map(\.name)
            #expect(!expected.isEmpty)
            #expect(seed.domains(for: api) == expected)
        }
        #expect(seed.zoho?.orgID == "20104471")
        #expect(seed.zoho?.region.rawValue == "eu")
    }

    @Test func bindingFillsEveryReferenceFromTheEmulatorsTypedCredentials() async throws {
        let inventory = try Self.compiled().inventory
        let world = try await SandboxWorld.start(seed: try SandboxSeed(inventory), options: SandboxOptions(limits: false))
        do {
            let bound = SandboxSession(world: world).bind(inventory)
            for ref in bound.inventory.secretReferences { #expect(!(bound.environment[ref.name] ?? "").isEmpty, "\(ref.name)") }
            guard case let (url, .porkbun(keys))? = world.login("porkbun") else { Issue.record("no porkbun"); await world.stop(); return }
            #expect(bound.endpoints["porkbun"] == url)
            #expect(bound.environment["PORKBUN_API_KEY"] == keys.apiKey)
            #expect(bound.inventory.accounts["namecheap"]?.namecheap?.clientIP == "127.0.0.1")
            #expect(Set(bound.endpoints.keys) == Set(inventory.accounts.keys))
            // The clients a real run builds, from the bound values.
            let providers = try FleetProviders.build(for: bound.inventory, environment: bound.environment, endpoints: bound.endpoints,
                                                     limits: false)
            #expect(providers.registrars.count == 2)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
