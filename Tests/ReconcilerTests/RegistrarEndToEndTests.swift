import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// The engine against the registrar emulators over real HTTP on 127.0.0.1:
/// observe → plan → apply → re-observe → a fresh plan has 0 changes, with
/// records added behind our back kept on both registrars.
@Suite(.serialized) struct RegistrarEndToEndTests {
    let d = "acme-mail.com"

    func desired(_ d: String) -> [TargetRecord] { Fixtures.mailRecords(d).map(TargetRecord.init) }

    func plan(_ provider: any DNSZoneProvider, store: StateStore, desired: [TargetRecord]) async throws -> Plan {
        var b = PlanBuilder(inventoryHash: "inv")
        try b.addZone(try await provider.zone(d), role: .active, capabilities: provider.capabilities, desired: desired,
                      owned: try await OwnershipKey.owned(store, domain: d))
        return try b.build()
    }

    func converge(_ provider: any DNSZoneProvider, foreignWrite: RecordChangeSet) async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let executor = ApplyExecutor(store: store, driver: RegistrarZoneDriver { _ in provider })

        // A record someone else added before our first apply.
        _ = try await provider.apply(foreignWrite)
        let first = try await plan(provider, store: store, desired: desired(d))
        try first.checkSafety()
        // Every desired record is created, or replaces a registrar default (Porkbun's forwarding MX).
        #expect(first.actions.filter { $0.operation == .create || ($0.operation == .update && $0.registrarDefault == true) }.count == 6)
        #expect(first.actions.allSatisfy { $0.operation == .create || $0.registrarDefault == true })
        #expect(first.actions.filter { $0.registrarDefault == true }.count >= 2)
        #expect(first.summary(for: d)?.unmanagedKept.contains(foreignWrite.create[0]) == true)
        let summary = try await executor.apply(first)
        #expect(summary.converged, "\(summary.sentence)")

        let zone = try await provider.zone(d)
        for r in Fixtures.mailRecords(d) { #expect(zone.keys.contains(r.key), "\(r) missing") }
        #expect(zone.keys.contains(foreignWrite.create[0].key))
        #expect(zone.registrarDefaults.isEmpty)
        let second = try await plan(provider, store: store, desired: desired(d))
        #expect(!second.hasChanges, "\(TextRenderer().render(second))")

        // An inventory edit, then removal of a record we created: update + delete only.
        var edited = desired(d)
        edited[3] = TargetRecord(Fixtures.rec("_dmarc.\(d)", .TXT, "v=DMARC1; p=quarantine"))
        edited.remove(at: 4)
        let third = try await plan(provider, store: store, desired: edited)
        #expect(third.actions.map(\.operation).sorted { $0.rawValue < $1.rawValue } == [.delete, .update])
        #expect(try await executor.apply(third).converged)
        let after = try await provider.zone(d)
        #expect(!after.keys.contains(Fixtures.rec("email.\(d)", .CNAME, "mailgun.org").key))
        #expect(after.keys.contains(foreignWrite.create[0].key))
        #expect(!(try await plan(provider, store: store, desired: edited)).hasChanges)
    }

    @Test func porkbun() async throws {
        let emulator = PorkbunEmulator(limits: .unlimited)
        await emulator.register([d])
        let server = try await emulator.start()
        do {
            let client = PorkbunClient(baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                                       credentials: PorkbunCredentials(apiKey: emulator.apiKey, secretKey: emulator.secretKey),
                                       budget: .unlimited())
            try await converge(PorkbunProvider(client: client),
                               foreignWrite: RecordChangeSet(domain: d, create: [Fixtures.rec("www.\(d)", .A, "192.0.2.10", ttl: 600)]))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func namecheap() async throws {
        let emulator = NamecheapEmulator(limits: .unlimited)
        await emulator.register([d])
        let server = try await emulator.start()
        do {
            let client = NamecheapClient(baseURL: server.baseURL.appendingPathComponent(NamecheapEmulator.path),
                                         credentials: NamecheapCredentials(apiUser: emulator.apiUser, apiKey: emulator.apiKey,
                                                                           clientIP: "127.0.0.1"),
                                         budget: .unlimited())
            try await converge(NamecheapProvider(client: client),
                               foreignWrite: RecordChangeSet(domain: d, create: [Fixtures.rec("shop.\(d)", .CNAME, "shops.example.net", ttl: 1800)]))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
