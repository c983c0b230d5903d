import Foundation
import Providers
import Sender
import Store
import Testing

@Suite struct HealthAndComplianceTests {
    let campaign = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t"), CampaignStep(delay: 600, subject: "Re: s", text: "again")])

    @Test func mailboxCrossingBounceThresholdSendsNothingMore() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, pause: SecondsRange(5, 5), interval: SecondsRange(10, 10))
        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(200), now: monday)
        let clock = VirtualClock(start: monday)
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 1),
                                    builder: testBuilder, maintenanceInterval: 30)
        try await engine.run(until: monday + 300)
        let bad = fleet.mailboxes[0].address
        let sentByBad = try store.messages(state: .accepted).filter { $0.mailbox == bad }
        #expect(sentByBad.count >= 10)
        // Webhook-fed hard bounces for a fifth of its sends: 20 % > 10 %, over the minimum sample of 10.
        let bounced = sentByBad.count / 5 + 1
        for m in sentByBad.prefix(bounced) {
            try store.record(event: SendingEvent(at: clock.now(), kind: .hardBounce, email: m.email, mailbox: bad, messageID: m.messageID))
        }
        let disabledAt = clock.now()
        try await engine.run(until: monday + 3_600)
        let reservations = try store.allReservations()
        #expect(!reservations.contains { $0.mailbox == bad && $0.at > disabledAt })
        #expect(reservations.contains { $0.mailbox != bad && $0.at > disabledAt })
        let alerts = try store.events(kind: .mailboxDisabled)
        #expect(alerts.count == 1)
        #expect(alerts.first?.mailbox == bad)
        #expect(alerts.first?.detail.contains("above 10.0%") == true)
        // Follow-ups of its recipients wait for it (sticky), they are not rerouted.
        #expect(!reservations.contains { r in r.mailbox != bad && sentByBad.contains { $0.row == r.messageRow } })
        // The bounced recipients are suppressed fleet-wide.
        #expect(try store.suppressedEmails().isSuperset(of: Set(sentByBad.prefix(bounced).map(\.email))))

        // Re-enabling is explicit and recorded; the old bounces do not disable it again.
        _ = try HealthMonitor.enable(address: bad, reason: "domain fixed", fleet: fleet, store: store, now: clock.now())
        #expect(try store.events(kind: .mailboxEnabled).first?.detail == "domain fixed")
        try engine.maintain()
        let reenabledAt = clock.now()
        try await engine.run(until: clock.now() + 1_800)
        #expect(try store.allReservations().contains { $0.mailbox == bad && $0.at > reenabledAt })
    }

    @Test func unsubscribedRecipientGetsNothingAfter() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, pause: SecondsRange(5, 5), interval: SecondsRange(5, 5))
        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(10), now: monday)
        let clock = VirtualClock(start: monday)
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 2), builder: testBuilder)
        try await engine.run(until: monday + 120)
        let first = try #require(try store.messages(state: .accepted).first)
        try store.record(event: SendingEvent(at: clock.now(), kind: .unsubscribe, email: first.email, messageID: first.messageID))
        let complained = "r9@example.net"
        try store.record(event: SendingEvent(at: clock.now(), kind: .complaint, email: complained))
        let cut = clock.now()
        try await engine.run(until: monday + 7_200)
        let rows = Dictionary(uniqueKeysWithValues: try store.messages(state: nil).map { ($0.row, $0) })
        let after = try store.allReservations().filter { $0.at > cut }.map { rows[$0.messageRow]!.email }
        #expect(!after.isEmpty)
        #expect(!after.contains(first.email))
        #expect(!after.contains(complained))
        // The others got their follow-up; the unsubscribed one's follow-up is stopped or never planned.
        #expect(try store.messages(state: .accepted).filter { $0.step == 1 }.count >= 7)
        #expect(!(try store.messages(state: .accepted).contains { $0.email == first.email && $0.step == 1 }))
    }

    @Test func replyStopsTheSequence() async throws {
        let store = MemorySendingStore()
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 1, pause: SecondsRange(5, 5), interval: SecondsRange(5, 5))
        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(2), now: monday)
        let clock = VirtualClock(start: monday)
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 3), builder: testBuilder)
        try await engine.run(until: monday + 60)
        try store.record(event: SendingEvent(at: clock.now(), kind: .reply, email: "r0@example.net"))
        try await engine.run(until: monday + 3_600)
        let accepted = try store.messages(state: .accepted)
        #expect(accepted.filter { $0.email == "r0@example.net" }.map(\.step) == [0])
        #expect(accepted.filter { $0.email == "r1@example.net" }.map(\.step) == [0, 1])
    }

    @Test func warmupStageFollowsScheduleAndIsHeldWhileUnhealthy() throws {
        let stages = [Warmup.Stage(days: 7, daily: 10), Warmup.Stage(days: 7, daily: 25), Warmup.Stage(days: nil, daily: 150)]
        let m = SendingMailbox(address: "a@b.example", group: "g1", dailyMax: 100, interval: SecondsRange(30, 60), warmup: stages, warmupStarted: "2026-03-02")
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday, now: monday - 1).cap == 0)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday, now: monday + 6 * 86_400).cap == 10)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday, now: monday + 7 * 86_400).cap == 25)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday, now: monday + 30 * 86_400).cap == 100)   // min(150, daily_max)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: 0, firstSent: monday, now: monday + 30 * 86_400).cap == 10)
        #expect(Warmup.dailyCap(m, shiftDays: 3, heldStage: nil, firstSent: monday, now: monday + 9 * 86_400).cap == 10)
    }

    @Test func healthMonitorHoldsStageInsideBandAndShiftsScheduleAfter() throws {
        let store = MemorySendingStore()
        let stages = [Warmup.Stage(days: 2, daily: 10), Warmup.Stage(days: nil, daily: 50)]
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 1, warmup: stages, started: "2026-03-02")
        fleet.thresholds = HealthBands(disableBounceRate: 0.5, minimumSample: 10, windowDays: 1, healthyBounceRate: 0.05, healthyComplaintRate: 0.01)
        let a = fleet.mailboxes[0].address
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(10), now: monday)
        for (i, m) in try store.pendingMessages().enumerated() {
            _ = try store.reserve(Reservation(messageRow: m.row, mailbox: a, group: "g1", at: monday + Double(i), mailboxNextAt: 0, groupNextAt: 0, messageID: "<\(i)@x>"))
        }
        try store.record(event: SendingEvent(at: monday + 100, kind: .hardBounce, email: "r0@example.net", mailbox: a))
        let monitor = HealthMonitor(fleet: fleet)
        try monitor.evaluate(store: store, now: monday + 200)
        let held = try #require(try store.mailboxHealth()[a])
        #expect(held.enabled)                      // 10 % is under the 50 % disable threshold…
        #expect(held.heldStage == 0)               // …but over the 5 % band: held at stage 1
        #expect(Warmup.dailyCap(fleet.mailboxes[0], shiftDays: held.warmupShiftDays, heldStage: held.heldStage, firstSent: monday, now: monday + 3 * 86_400).cap == 10)
        // Two days later the window has no bounces: released, the held days pushed the schedule back.
        try monitor.evaluate(store: store, now: monday + 200 + 2 * 86_400)
        let released = try #require(try store.mailboxHealth()[a])
        #expect(released.heldStage == nil)
        #expect(released.warmupShiftDays == 2)
        #expect(Warmup.dailyCap(fleet.mailboxes[0], shiftDays: 2, heldStage: nil, firstSent: monday, now: monday + 3 * 86_400).cap == 10)
    }

    @Test func oneBounceInOneSendDoesNotHoldTheStage() throws {
        let store = MemorySendingStore()
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 1, warmup: [Warmup.Stage(days: 2, daily: 10), Warmup.Stage(days: nil, daily: 50)],
                              started: "2026-03-02")
        fleet.thresholds = HealthBands(disableBounceRate: 0.5, minimumSample: 20, windowDays: 7, healthyBounceRate: 0.05, healthyComplaintRate: 0.01)
        let a = fleet.mailboxes[0].address
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(1), now: monday)
        let m = try #require(try store.pendingMessages().first)
        _ = try store.reserve(Reservation(messageRow: m.row, mailbox: a, group: "g1", at: monday, mailboxNextAt: 0, groupNextAt: 0, messageID: "<0@x>"))
        try store.record(event: SendingEvent(at: monday + 100, kind: .hardBounce, email: "r0@example.net", mailbox: a))
        try HealthMonitor(fleet: fleet).evaluate(store: store, now: monday + 200)
        // 100 % of one send is not a rate yet: the stage goes on (the disable rule waits the same way).
        #expect(try store.mailboxHealth()[a]?.heldStage == nil)
        #expect(try store.mailboxHealth()[a]?.enabled ?? true)
    }
}
