import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// The example inventory, compiled by the foundation's DesiredStateCompiler,
/// planned and applied against the Porkbun emulator: a second plan is empty.
@Suite(.serialized) struct DesiredStateEndToEndTests {
    @Test func exampleInventoryConvergesOnPorkbun() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("inventory").path
        let loaded = try InventoryLoader().load(directory: root)
        let desired = try DesiredStateCompiler.compile(loaded.inventory)
        let domains = desired.domains.filter { $0.registration.registrar == .porkbun && $0.role != .retired }
        try #require(!domains.isEmpty)

        let emulator = PorkbunEmulator(limits: .unlimited)
        await emulator.register(domains.map(\.name))
        let server = try await emulator.start()
        let tmp = TempStore(); defer { tmp.remove() }
        do {
            let store = try tmp.open()
            let provider = PorkbunProvider(client: PorkbunClient(
                baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                credentials: PorkbunCredentials(apiKey: emulator.apiKey, secretKey: emulator.secretKey), budget: .unlimited()))
            // Stand-ins for provider outputs the Mailgun/Zoho adapters will supply.
            let resolve: (String) -> PlanValue? = { source in
                switch source {
                case AfterApply.mailgunDKIM: .string("k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC")
                default: nil
                }
            }
            func plan() async throws -> Plan {
                var b = PlanBuilder(inventoryHash: "example")
                for d in domains {
                    let (targets, absent) = TargetRecord.from(d.records, resolve: resolve)
                    try b.addZone(try await provider.zone(d.name), role: d.role, capabilities: provider.capabilities,
                                  desired: targets, owned: try await OwnershipKey.owned(store, domain: d.name).union(absent))
                }
                return try b.build()
            }
            let first = try await plan()
            #expect(first.counts.create > 0)
            // Every present record with a value is planned; Zoho-generated values wait for the Zoho adapter.
            #expect(first.actions.allSatisfy { $0.address.kind == .dnsRecord })
            try first.checkSafety()
            let summary = try await ApplyExecutor(store: store, driver: RegistrarZoneDriver { _ in provider }).apply(first)
            #expect(summary.converged, "\(summary.sentence)")
            let second = try await plan()
            #expect(!second.hasChanges, "\(TextRenderer().render(second))")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
