import Foundation
@testable import App
import Inventory
import Reconciler
import Sandbox
import Store
import Testing

/// A record the registrar cannot hold blocks its domain in the plan, named
/// with where the inventory wrote it — through the real planner, against the
/// emulators, before anything is applied.
@Suite struct PlanTimeAuditTests {
    @Test func anApexNameserverRecordBlocksItsDomainAtPlanTime() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("app-audit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: AppLayerTests.inventoryDirectory, toPath: dir.path)
        let eu = dir.appendingPathComponent("groups/eu-outreach.yaml")
        let text = try String(contentsOf: eu, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "      - { name: \"@\", type: CAA, value: '0 issue \"letsencrypt.org\"' }\n",
                                               with: "      - { name: \"@\", type: CAA, value: '0 issue \"letsencrypt.org\"' }\n"
                                                   + "      - { name: \"@\", type: NS, value: ns1.example.net }\n")
        #expect(edited != text)
        try edited.write(to: eu, atomically: true, encoding: .utf8)

        let compiled = try InventoryLoader().loadAndCompile(directory: dir.path)
        let world = try await SandboxWorld.start(seed: try SandboxSeed(compiled.inventory), options: SandboxOptions(limits: false))
        do {
            let bound = SandboxSession(world: world).bind(compiled.inventory)
            let providers = try FleetProviders.build(for: bound.inventory, environment: bound.environment, endpoints: bound.endpoints,
                                                     limits: false)
            let store = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
            let planner = FleetPlanner(desired: compiled.desired, inventoryHash: compiled.contentHash, providers: providers, store: store)
            let plan = try await planner.plan(refresh: .full).plan
            let blocked = try #require(plan.domains.first { $0.domain == "try-acme.eu" }?.blocked)
            #expect(blocked.contains("eu-outreach.yaml:"), "\(blocked)")
            #expect(blocked.contains("NS record try-acme.eu: namecheap owns the apex NS records"), "\(blocked)")
            #expect(!plan.actions.contains { $0.address.domain == "try-acme.eu" })
            // The other domains plan as usual.
            #expect(plan.actions.contains { $0.address.domain == "acme-mail.com" })
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }
}
