import Foundation
import Providers
import Sender
import Store
import Testing

/// Warmup follows each mailbox's real sending history (issue #12): the
/// stage clock starts on the later of `warmup.started` and the day of the
/// mailbox's first send, so a spare promoted long after its `started` date
/// begins at the first stage.
@Suite struct WarmupHistoryTests {
    static let stages = [Warmup.Stage(days: 7, daily: 10), Warmup.Stage(days: 7, daily: 25), Warmup.Stage(days: nil, daily: 150)]
    let campaign = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])

    @Test func theClockStartsAtTheLaterOfStartedAndTheFirstSend() {
        let m = SendingMailbox(address: "a@b.example", group: "g1", dailyMax: 150, interval: SecondsRange(30, 60),
                               warmup: Self.stages, warmupStarted: "2026-03-02")
        let day = 86_400.0
        // Never sent: the first stage, 30 days after `started` as on day 0.
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: nil, now: monday + 30 * day).cap == 10)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: nil, now: monday + 30 * day).stage == 0)
        // Before `started` nothing, whatever the history.
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: nil, now: monday - 1).cap == 0)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday - 5 * day, now: monday - 1).cap == 0)
        // First send on day 20 (late afternoon): day 27 is its 7th day → stage 2, day 26 still stage 1.
        let first = monday + 20 * day + 17 * 3600
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: first, now: monday + 26 * day + 86_399).cap == 10)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: first, now: monday + 27 * day).cap == 25)
        // A send before `started` (the date was moved later) does not start the clock early.
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday - 10 * day, now: monday + 7 * day).cap == 25)
        #expect(Warmup.dailyCap(m, shiftDays: 0, heldStage: nil, firstSent: monday - 10 * day, now: monday + 6 * day).cap == 10)
    }

    /// A veteran (sent since `started`) and a promoted spare that never sent,
    /// both `started` 30 days ago, in one SQLite store: the engine gives the
    /// veteran its last stage and the spare its first; a configuration
    /// fault is no send; a restart a week later reads the spare's first send
    /// from the store and moves it to stage 2.
    @Test func aMailboxThatNeverSentStartsAtTheFirstStageInARealStore() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, hourly: 10_000, pause: SecondsRange(1, 1), interval: SecondsRange(2, 2),
                              dailyMax: 150, warmup: Self.stages, started: "2026-03-02")
        let veteran = fleet.mailboxes[0].address, spare = fleet.mailboxes[1].address
        let day = 86_400.0
        let now = monday + 30 * day
        // History: the veteran's first send on `started`; the spare's only
        // reservation hit a configuration fault (AUTH refused), nothing was handed over.
        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(2, prefix: "h"), now: monday)
        let history = try store.pendingMessages()
        _ = try store.reserve(Reservation(messageRow: history[0].row, mailbox: veteran, group: "g1", at: monday + 3600,
                                          mailboxNextAt: 0, groupNextAt: 0, messageID: "<h0@x>"))
        try store.markAttempting(row: history[0].row, at: monday + 3600)
        try store.settle(row: history[0].row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "ok", phase: "data"), at: monday + 3600)
        _ = try store.reserve(Reservation(messageRow: history[1].row, mailbox: spare, group: "g1", at: monday + 20 * day,
                                          mailboxNextAt: 0, groupNextAt: 0, messageID: "<h1@x>"))
        try store.markAttempting(row: history[1].row, at: monday + 20 * day)
        try store.settle(row: history[1].row, outcome: AttemptOutcome(state: .planned, code: 535, text: "auth refused", phase: "auth"), at: monday + 20 * day)
        #expect(try store.firstSends() == [veteran: monday + 3600])

        _ = try store.enqueue(campaign: campaign.record(group: "g1"), recipients: recipients(600), now: now)
        let clock = VirtualClock(start: now)
        var engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 4),
                                    builder: testBuilder)
        try await engine.run(until: now + day - 60)
        func sent(_ address: String, after t: Double) throws -> Int {
            try store.allReservations().filter { $0.mailbox == address && $0.at >= t }.count
        }
        #expect(try sent(veteran, after: now) == 150)
        #expect(try sent(spare, after: now) == 10)
        let spareFirst = try #require(try store.firstSends()[spare])
        #expect(spareFirst >= now && spareFirst < now + day)
        let status = try FleetStatus.compute(fleet: fleet, store: store, now: now + day - 60)
        let rows = Dictionary(uniqueKeysWithValues: status.groups[0].mailboxes.map { ($0.address, $0) })
        #expect(rows[spare]?.dailyCap == 10)
        #expect(rows[veteran]?.dailyCap == 150)

        // A week after its first send, a new engine (state rebuilt from the store) gives the spare stage 2.
        let later = now + 7 * day
        clock.advance(by: later - clock.now())
        engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 5),
                                builder: testBuilder)
        try await engine.run(until: later + day - 60)
        #expect(try sent(spare, after: later) == 25)
    }
}
