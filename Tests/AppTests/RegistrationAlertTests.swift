import Foundation
@testable import App
import Reconciler
import Store
import Testing

/// `drift`'s registration alerts on a real state file: one open per
/// expiring registration, kept open while the domain is not read, cleared
/// when a plan that read it no longer warns.
@Suite struct RegistrationAlertTests {
    static func plan(warn: Bool, blocked: String? = nil) throws -> Plan {
        try Plan(actions: [], domains: [DomainSummary(domain: "acme-mail.com", blocked: blocked)],
                 fingerprint: PlanFingerprint(inventory: "inv", observed: [:]),
                 warnings: warn ? [PlanWarning(domain: "acme-mail.com", code: .registrationExpiring,
                                               text: "registration expires in 10 days (2026-12-13) and auto-renew is off")] : [])
    }

    @Test func anExpiringRegistrationOpensOneAlertAndAReadPlanWithoutItClearsIt() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reg-alerts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let alerting = FleetAlerting(store: AlertStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path)), sink: nil)

        _ = try await alerting.raiseRegistrations(try Self.plan(warn: true), deliver: false)
        _ = try await alerting.raiseRegistrations(try Self.plan(warn: true), deliver: false)
        #expect(try alerting.store.all().map { "\($0.kind.rawValue) \($0.key): \($0.text)" } == [
            "open registration-expiring:acme-mail.com: domain acme-mail.com: registration expires in 10 days (2026-12-13) and auto-renew is off"])

        // Not read this time (blocked): still open.
        _ = try await alerting.raiseRegistrations(try Self.plan(warn: false, blocked: "could not list account"), deliver: false)
        #expect(try alerting.store.openConditions().map(\.key) == ["registration-expiring:acme-mail.com"])

        _ = try await alerting.raiseRegistrations(try Self.plan(warn: false), deliver: false)
        #expect(try alerting.store.openConditions().isEmpty)
        #expect(try alerting.store.all().map(\.kind) == [.open, .clear])
    }
}
