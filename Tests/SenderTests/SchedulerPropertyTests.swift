import Foundation
import Providers
import Sender
import Store
import Testing

/// Whole simulated runs (real engine, in-memory store, virtual clock) checked
/// by `LimitAudit`, which re-derives every rule from the reservations alone.
@Suite struct SchedulerPropertyTests {
    static let twoStep = Campaign(id: "seq", steps: [
        CampaignStep(subject: "Hello {{first_name}}", text: "Hi"),
        CampaignStep(delay: 3_600, subject: "Re: Hello {{first_name}}", text: "Again"),
        CampaignStep(delay: 7_200, subject: "Re: Hello {{first_name}}", text: "Last"),
    ])

    @Test(arguments: Array(UInt64(1)...UInt64(12)))
    func noLimitExceededNoSuppressedMailedStickyHolds(seed: UInt64) async throws {
        // Tight limits so every one of them binds at some point: small hourly cap, a warmup cap, fast pauses.
        let fleet = makeFleet(groups: 2, mailboxesPerGroup: 4, hourly: 40, pause: SecondsRange(5, 20), interval: SecondsRange(30, 90),
                              dailyMax: 30, warmup: [Warmup.Stage(days: 1, daily: 12), Warmup.Stage(days: nil, daily: 50)], started: "2026-03-01")
        var suppressed: Set<String> = []
        for i in stride(from: 0, to: 400, by: 7) { suppressed.insert("r\(i)@example.net") }
        let report = try await Simulator.run(fleet: fleet, hours: 30, seed: seed, start: monday,
                                             outbox: [(Self.twoStep, "g1", recipients(400)), (Self.twoStep, "g2", recipients(400, prefix: "s"))],
                                             suppressed: suppressed)
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
        #expect(report.total > 100)
        #expect(!report.sends.contains { suppressed.contains($0.email) })
        // Follow-ups really happened (so the sticky check had something to check).
        #expect(report.sends.contains { $0.step == 2 })
        // Day 1 of the calendar (started 2026-03-01), but none of the mailboxes
        // has ever sent: each starts at stage 1, 12 a day, not stage 2's 30.
        let perMailbox = Dictionary(grouping: report.sends.filter { $0.at < monday + 86_400 }, by: \.mailbox).mapValues(\.count)
        #expect(perMailbox.values.allSatisfy { $0 <= 12 })
    }

    /// The audit judges the window rule (issue #18: a send outside its window
    /// is a violation), so it must see one: read in the window's zone.
    @Test func theAuditCountsASendOutsideItsWindowAsAViolation() {
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 1)
        let mailbox = fleet.mailboxes[0].address
        // 09:00–17:00 Mon–Fri in Berlin, UTC+1 in March: 08:00–16:00 UTC.
        let window = WeeklyWindow(startMinute: 540, endMinute: 1020, weekdays: [2, 3, 4, 5, 6])
        func send(_ at: Double, _ email: String) -> LimitAudit.Send {
            LimitAudit.Send(at: at, group: "g1", mailbox: mailbox, email: email, campaign: "c", step: 0, timeZone: "Europe/Berlin", window: window)
        }
        let saturday = monday + 5 * 86_400
        let v = LimitAudit(fleet: fleet).violations([send(monday + 8.5 * 3600, "in@example.net"), send(monday + 16.5 * 3600, "late@example.net"),
                                                     send(saturday + 10 * 3600, "sat@example.net")])
        #expect(v == ["late@example.net mailed outside the window in Europe/Berlin at \(monday + 16.5 * 3600)",
                      "sat@example.net mailed outside the window in Europe/Berlin at \(saturday + 10 * 3600)"], "\(v)")
    }

    @Test(arguments: [UInt64(3), 17, 99])
    func windowsHoldAcrossDSTChange(seed: UInt64) async throws {
        // 2026-03-08 is the US spring-forward day; 2026-03-29 the EU one. Start on Saturday 2026-03-07.
        let start: Double = 1_772_841_600
        let window = WeeklyWindow(startMinute: 9 * 60, endMinute: 17 * 60, weekdays: [1, 2, 3, 4, 5, 6, 7])
        let c = Campaign(id: "dst", steps: [CampaignStep(subject: "s", text: "t")], window: window, defaultTimeZone: "America/New_York")
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 6, hourly: 300, pause: SecondsRange(20, 40), interval: SecondsRange(30, 60), dailyMax: 10_000)
        var rs = recipients(3000, zone: nil)
        for i in stride(from: 0, to: rs.count, by: 10) { rs[i].timeZone = "Europe/Berlin" }
        for i in stride(from: 5, to: rs.count, by: 20) { rs[i].timeZone = "Asia/Kolkata" }
        let report = try await Simulator.run(fleet: fleet, hours: 72, seed: seed, start: start, outbox: [(c, "g1", rs)])
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5))")
        // New York mail on the DST Sunday went out between 09:00 and 17:00 EDT (13:00–21:00 UTC), not EST.
        let sunday = report.sends.filter { $0.timeZone == "America/New_York" && $0.at >= start + 86_400 && $0.at < start + 2 * 86_400 }
        #expect(!sunday.isEmpty)
        let dstOpen = start + 86_400 + 13 * 3600
        #expect(sunday.allSatisfy { $0.at >= dstOpen && $0.at < dstOpen + 8 * 3600 })
        #expect(sunday.contains { $0.at < dstOpen + 3600 })
    }

    @Test func fairRotationSpreadsSendsEvenly() async throws {
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 20, pause: SecondsRange(30, 45))
        let report = try await Simulator.run(fleet: fleet, hours: 24, seed: 5, start: monday)
        let counts = Dictionary(grouping: report.sends, by: \.mailbox).mapValues(\.count)
        #expect(counts.count == 20)
        #expect(counts.values.max()! - counts.values.min()! <= 1)
        // The pause binds: 86400 / 37.5 = 2304 expected.
        #expect(report.utilisation > 0.97 && report.utilisation < 1.03)
        #expect(report.capacity[0].binding == .groupPause)
    }

    @Test func limiterStateSurvivesRestartWithoutBurst() async throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 3, hourly: 5, pause: SecondsRange(10, 10), interval: SecondsRange(10, 10))
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(50), now: monday)
        let clock = VirtualClock(start: monday)
        let first = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 1), builder: testBuilder)
        try await first.run(until: monday + 600)
        #expect(try store.messages(state: .accepted).count == 5)   // the hourly cap bound
        // A new process (new engine, new index) 10 minutes later: the hour is still full.
        let second = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: clock, random: SeededRandom(seed: 2), builder: testBuilder)
        try await second.run(until: monday + 1_800)
        #expect(try store.messages(state: .accepted).count == 5)
        try await second.run(until: monday + 3_700)
        #expect(try store.messages(state: .accepted).count > 5)
        let sends = try store.auditSends(campaigns: ["c": c], reservations: try reservations(store))
        #expect(LimitAudit(fleet: fleet).violations(sends).isEmpty)
    }

    @Test func spareAndDisabledMailboxesNeverSend() async throws {
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 3, pause: SecondsRange(1, 2), interval: SecondsRange(1, 2))
        fleet.mailboxes[0].role = .spare
        let store = MemorySendingStore()
        try store.updateMailboxHealth(MailboxHealthRecord(address: fleet.mailboxes[1].address, enabled: false, reason: "test", changedAt: monday - 10), event: nil)
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(30), now: monday)
        let engine = try SendEngine(fleet: fleet, store: store, transport: AcceptingTransport(), clock: VirtualClock(start: monday), random: SeededRandom(seed: 1), builder: testBuilder)
        try await engine.run(until: monday + 3_600)
        let used = Set(store.allReservations().map(\.mailbox))
        #expect(used == [fleet.mailboxes[2].address])
        #expect(store.allReservations().count == 30)
    }
}

/// The SQLite store's reservation log (read directly for the audit).
func reservations(_ store: SQLiteSendingStore) throws -> [Reservation] {
    try store.allReservations()
}
