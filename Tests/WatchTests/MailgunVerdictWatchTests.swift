import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
import Watch

/// Mailgun's own verdict, read from the Mailgun emulator over HTTP: a
/// domain it reports unverified or disabled is paused with one alert, and
/// released when it reports the domain active again.
@Suite struct MailgunVerdictWatchTests {
    static let apiKey = "key-verdict-test-0000000000000000000"

    @Test func unverifiedAndDisabledDomainsArePausedAndReleasedWhenActive() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mg-verdict-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
        let store = SQLiteSendingStore(state), alerts = AlertStore(state)
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: Self.apiKey, signingKey: "sign")
        do {
            let mg = MailgunClient(region: .us, apiKey: Self.apiKey, endpoint: emu.url, retry: .none)
            // good-mail.com verified; new-mail.com created but its records not published yet.
            for d in ["good-mail.com", "new-mail.com"] { _ = try await mg.createDomain(MailgunDomainSpec(name: d, dkimKeySize: 1024)) }
            await dns.publish(zone: "good-mail.com", records: try await mg.requiredRecords("good-mail.com").sending)
            _ = try await mg.requireVerified("good-mail.com")
            let domains = [WatchedDomain(name: "good-mail.com", group: "g1", role: .active, pool: "mg"),
                           WatchedDomain(name: "new-mail.com", group: "g1", role: .active, pool: "mg"),
                           WatchedDomain(name: "not-at-mailgun.com", group: "g1", role: .spare, pool: "mg")]
            let clock = VirtualClock(start: 1_772_438_400)
            let watch = MailgunVerdictWatch(clients: ["mg": mg], domains: domains, keeper: HoldKeeper(sending: store, alerts: alerts),
                                            interval: 900, clock: clock)

            var changes = try await watch.round()
            #expect(changes.placed.map(\.domain) == ["new-mail.com"])
            #expect(try alerts.openConditions().map(\.summary) == [
                "domain new-mail.com is unverified at Mailgun (its SPF/DKIM records do not validate): its mailboxes are paused "
                + "until Mailgun reports it active; spare domain ready in group g1: not-at-mailgun.com"])

            // Mailgun disables the verified one on its own.
            await emu.setDisabled("good-mail.com", true)
            clock.advance(by: 900)
            changes = try await watch.round()
            #expect(changes.placed.map(\.domain) == ["good-mail.com"] && changes.released.isEmpty)
            #expect(try store.domainHolds().map { "\($0.domain) \($0.summary)" } == [
                "good-mail.com mailgun: is disabled at Mailgun",
                "new-mail.com mailgun: is unverified at Mailgun (its SPF/DKIM records do not validate)"])

            // Re-enabled, and the new domain's records published and verified: both released, both alerts cleared.
            await emu.setDisabled("good-mail.com", false)
            await dns.publish(zone: "new-mail.com", records: try await mg.requiredRecords("new-mail.com").sending)
            _ = try await mg.requireVerified("new-mail.com")
            clock.advance(by: 900)
            changes = try await watch.round()
            #expect(changes.released.map(\.domain) == ["good-mail.com", "new-mail.com"])
            #expect(try store.domainHolds().isEmpty)
            #expect(try alerts.openConditions().isEmpty)
            #expect(try alerts.all().filter { $0.kind == .clear }.map(\.key).sorted() == ["mailgun-domain:good-mail.com", "mailgun-domain:new-mail.com"])
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }
}
