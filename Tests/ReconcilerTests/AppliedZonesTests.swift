import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// Issue #13 §2: the zone an apply wrote goes into the observation cache as
/// the provider returned it — exactly what a fresh read returns — while a
/// zone whose step failed is forgotten, so the next plan reads it again.
@Suite(.serialized) struct AppliedZonesTests {
    @Test func aWrittenZoneIsStoredAsAFreshReadWouldReturnItAndAFailedOneIsForgotten() async throws {
        let porkbun = PorkbunEmulator(dnsView: DNSView(), limits: .unlimited)
        await porkbun.register(["good.example", "bad.example"])
        let server = try await porkbun.start()
        let provider = PorkbunProvider(client: PorkbunClient(
            baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
            credentials: PorkbunCredentials(apiKey: porkbun.apiKey, secretKey: porkbun.secretKey), budget: .unlimited()))
        let tmp = TempStore()
        do {
            let store = try tmp.open()
            let cache = ObservationCache(store)
            // The plan's reads, through the cache as the observer makes them.
            let reader = CachedReader(cache: cache, policy: .full)
            var b = PlanBuilder(inventoryHash: "inv")
            for (d, desired) in [("good.example", Fixtures.mailRecords("good.example")),
                                 // Porkbun refuses a CNAME at the apex ("use ALIAS", A3): that step fails.
                                 ("bad.example", [DNSRecord(name: "bad.example", type: .CNAME, ttl: 600, value: "elsewhere.example")])] {
                let zone = try await reader.read(ResourceAddress(domain: d, kind: .zone), hash: { try ObservedHash.zone($0) }) {
                    try await provider.zone(d)
                }
                try b.addZone(zone.value, role: .active, capabilities: provider.capabilities, desired: desired.map(TargetRecord.init),
                              owned: [], observedHash: zone.hash)
            }
            let plan = try b.build()

            let applied = AppliedZones(cache: cache)
            let summary = try await ApplyExecutor(store: store, driver: RegistrarZoneDriver(applied: applied) { _ in provider }).apply(plan)
            #expect(!summary.failed.isEmpty && summary.failed.allSatisfy { $0.rawValue.contains("bad.example") }, "\(summary.sentence)")
            try await cache.forget(after: plan, keeping: await applied.kept)

            #expect(await applied.kept == ["good.example/zone/"])
            let stored = try #require(try await cache.load("good.example/zone/"))
            let fresh = try await provider.zone("good.example")
            #expect(stored.hash == (try ObservedHash.zone(fresh)))
            #expect(try JSONDecoder().decode(ObservedZone.self, from: stored.state) == fresh)
            for r in Fixtures.mailRecords("good.example") { #expect(fresh.keys.contains(r.key), "\(r) missing") }
            #expect(try await cache.load("bad.example/zone/") == nil)
        } catch {
            await server.stop(); tmp.remove()
            throw error
        }
        await server.stop(); tmp.remove()
    }
}
