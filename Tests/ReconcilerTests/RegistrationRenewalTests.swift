import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// Auto-renew against the registrar emulators over real HTTP: planned and
/// applied on Porkbun (`domain/updateAutoRenew`), a warning on Namecheap
/// (no API for it); a registration expiring within the warning window with
/// auto-renew off is a plan warning on both.
@Suite(.serialized) struct RegistrationRenewalTests {
    let d = "acme-mail.com"
    let window = 30.0 * 86_400

    func plan(_ provider: any RegistrarProvider, desired: Bool, now: Date) async throws -> Plan {
        var b = PlanBuilder(inventoryHash: "inv")
        let observed = try await provider.listDomains().first { $0.name == d }
        try b.addRenewal(d, desired: desired, observed: observed, canSet: provider.canSetAutoRenew, now: now, warnWithin: window)
        return try b.build()
    }

    @Test func porkbunPlansAndAppliesAutoRenewAndWarnsOfTheExpiringRegistration() async throws {
        let emulator = PorkbunEmulator(limits: .unlimited)
        await emulator.register([d])
        let now = Date()
        emulator.state.withValue {
            $0.domains[d]?.autoRenew = false
            $0.domains[d]?.expireDate = now.addingTimeInterval(10 * 86_400 + 3600)
        }
        let server = try await emulator.start()
        let tmp = TempStore(); defer { tmp.remove() }
        do {
            let client = PorkbunClient(baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                                       credentials: PorkbunCredentials(apiKey: emulator.apiKey, secretKey: emulator.secretKey),
                                       budget: .unlimited())
            let provider = PorkbunProvider(client: client)
            let first = try await plan(provider, desired: true, now: now)
            #expect(first.actions.map { "\($0.operation) \($0.address)" } == ["update acme-mail.com/registrarDomain/"])
            #expect(first.actions.first?.before?["auto_renew"] == .bool(false) && first.actions.first?.after?["auto_renew"] == .bool(true))
            #expect(first.warnings.map(\.code) == [.registrationExpiring])
            #expect(first.warnings.first?.text.hasPrefix("registration expires in 10 days (") == true)
            #expect(first.warnings.first?.text.hasSuffix("and auto-renew is off (this plan turns it on)") == true)
            #expect(TextRenderer().render(first).contains("warning: acme-mail.com: registration expires in 10 days"))

            let summary = try await ApplyExecutor(store: try tmp.open(), driver: RegistrarRenewalDriver { _ in provider }).apply(first)
            #expect(summary.converged, "\(summary.sentence)")
            #expect(emulator.state.value.domains[d]?.autoRenew == true)
            let second = try await plan(provider, desired: true, now: now)
            #expect(!second.hasChanges && second.warnings.isEmpty)

            // The inventory turns it off: planned like any other field.
            let off = try await plan(provider, desired: false, now: now)
            #expect(off.actions.first?.after?["auto_renew"] == .bool(false) && off.warnings.isEmpty)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func namecheapCannotSetItSoBothAreWarnings() async throws {
        let emulator = NamecheapEmulator(limits: .unlimited)
        await emulator.register([d])
        let now = Date()
        emulator.state.withValue {
            $0.domains[d]?.autoRenew = false
            $0.domains[d]?.expires = now.addingTimeInterval(10 * 86_400 + 3600)
        }
        let server = try await emulator.start()
        do {
            let client = NamecheapClient(baseURL: server.baseURL.appendingPathComponent(NamecheapEmulator.path),
                                         credentials: NamecheapCredentials(apiUser: emulator.apiUser, apiKey: emulator.apiKey, clientIP: "127.0.0.1"),
                                         budget: .unlimited())
            let p = try await plan(NamecheapProvider(client: client), desired: true, now: now)
            #expect(!p.hasChanges)
            #expect(p.warnings.map(\.code) == [.autoRenewUnsettable, .registrationExpiring])
            #expect(p.warnings.first?.text == "auto-renew is off at the registrar, the inventory wants it on; the registrar's API cannot set it: change it in its dashboard")
            // A plan file keeps its warnings.
            #expect(try JSONDecoder().decode(Plan.self, from: try JSONRenderer().data(p)).warnings == p.warnings)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
