import Foundation
import Providers
import Sender
import Store
import Testing

/// A held domain's mailboxes send nothing — whether the hold was there at
/// start or placed by another process while the engine runs — and send
/// again once the watcher releases it; the other domains are untouched.
@Suite struct DomainHoldEngineTests {
    let campaign = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])

    @Test func aHeldDomainSendsNothingUntilReleased() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, pause: SecondsRange(5, 5), interval: SecondsRange(10, 10))
        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(400), now: monday)
        let held = fleet.mailboxes[0].address, free = fleet.mailboxes[1].address
        try store.replaceDomainHolds(source: .dns, with: [DomainHold.domain(of: held): "DKIM key differs"], at: monday)
        let clock = VirtualClock(start: monday)
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 3),
                                    builder: testBuilder, maintenanceInterval: 30)
        try await engine.run(until: monday + 600)
        var reservations = try store.allReservations()
        #expect(!reservations.contains { $0.mailbox == held })
        #expect(reservations.contains { $0.mailbox == free })

        // Released by the watcher (another process): picked up at the next maintenance.
        try store.replaceDomainHolds(source: .dns, with: [:], at: clock.now())
        let releasedAt = clock.now()
        try await engine.run(until: clock.now() + 600)
        reservations = try store.allReservations()
        #expect(reservations.contains { $0.mailbox == held && $0.at > releasedAt })

        // Held again while running: nothing from it after the hold is seen.
        try store.replaceDomainHolds(source: .blocklist, with: [DomainHold.domain(of: held): "dbl.example"], at: clock.now())
        try engine.maintain()
        let heldAt = clock.now()
        try await engine.run(until: clock.now() + 600)
        #expect(!(try store.allReservations()).contains { $0.mailbox == held && $0.at > heldAt })
        let status = try StatusReport.render(fleet: fleet, store: store, now: clock.now())
        #expect(status.contains("held domain \(DomainHold.domain(of: held))") && status.contains("blocklist: dbl.example"))
        #expect(status.contains("1 held"))
    }
}
