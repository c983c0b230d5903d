import Foundation
import Providers
import Sender
import Store
import Testing

@Suite struct AtMostOnceTests {
    @Test func attemptingBecomesUnknownOnRestartAndIsNeverResent() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(3), now: monday)
        let pending = try store.pendingMessages()
        // A process that died right after committing `attempting` for the first message,
        // and one that died between reserving and attempting for the second.
        guard case .reserved = try store.reserve(Reservation(messageRow: pending[0].row, mailbox: "sender1@g1-d1.example", group: "g1", at: monday,
                                                             mailboxNextAt: monday + 30, groupNextAt: monday + 30, messageID: "<a@x>")) else {
            Issue.record("reserve refused"); return
        }
        try store.markAttempting(row: pending[0].row, at: monday)
        guard case .reserved = try store.reserve(Reservation(messageRow: pending[1].row, mailbox: "sender2@g1-d2.example", group: "g1", at: monday + 31,
                                                             mailboxNextAt: monday + 61, groupNextAt: monday + 61, messageID: "<b@x>")) else {
            Issue.record("reserve refused"); return
        }
        let relay = ScriptedRelay()
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, pause: SecondsRange(30, 30), interval: SecondsRange(30, 30))
        let engine = try SendEngine(fleet: fleet, store: store, transport: relay, clock: VirtualClock(start: monday + 40), random: SeededRandom(seed: 1), builder: testBuilder)
        try await engine.run(until: monday + 3_600)
        #expect(try store.messages(state: .unknown).map(\.row) == [pending[0].row])
        #expect(!relay.seen.contains { $0.recipient == pending[0].email })
        // The reserved-but-never-attempted one was sent, with its Message-ID, and its consumed limits held.
        #expect(relay.seen.filter { $0.recipient == pending[1].email }.map(\.messageID) == ["<b@x>"])
        #expect(try store.messages(state: .accepted).count == 2)
        let recovered = try store.events(kind: .recoveredUnknown)
        #expect(recovered.count == 1)
        #expect(recovered.first?.messageID == "<a@x>")
        // Reservations made before the crash still count: the first new send waited for the group pause.
        let rs = try store.allReservations()
        #expect(rs.count == 4)
        #expect(rs[2].at >= monday + 61)
    }

    @Test func unknownCanBeSettledLaterButNotReReserved() throws {
        let store = MemorySendingStore()
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(1), now: monday)
        let m = try store.pendingMessages()[0]
        let r = Reservation(messageRow: m.row, mailbox: "a@b.example", group: "g1", at: monday, mailboxNextAt: monday, groupNextAt: monday, messageID: "<a@b>")
        _ = try store.reserve(r)
        try store.markAttempting(row: m.row, at: monday)
        #expect(try store.recoverInterrupted(at: monday + 1) == 1)
        #expect(try store.reserve(r) == .refused("message is unknown"))
        try store.settle(row: m.row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "Mailgun accepted event", phase: "events"), at: monday + 2)
        #expect(try store.messages(state: .accepted).count == 1)
    }
}
