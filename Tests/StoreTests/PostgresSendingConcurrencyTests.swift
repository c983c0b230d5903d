import Foundation
import Store
import Testing
import TestSupport

/// Several senders, one PostgreSQL outbox: four workers, each with its own
/// connection pool as a process on another host would have, race to reserve
/// the same planned messages under tight limits. The store alone keeps them
/// apart: no message is reserved twice and the audit of every reservation
/// stored finds no limit broken.
@Suite struct PostgresSendingConcurrencyTests {
    static let t0 = SendingStoreContractTests.t0
    static let limits = ReservationLimits(mailboxDailyCap: 8, groupHourlyCap: 20)
    static let mailboxes = ["a@acme-mail.com", "b@acme-mail.com", "c@acme-mail.com"]
    /// A worker's next reservation is allowed this long after its last one, of the mailbox and of the group.
    static let interval = 0.5, pause = 0.2

    /// What one worker did.
    struct Tally: Sendable { var reserved = 0, limited = 0, taken = 0 }

    @Test func fourWorkersNeverReserveAMessageTwiceNorBreakALimit() async throws {
        let url = try PostgresServer.freshDatabase()
        let setup = try StateStore(postgres: url).sendingStore()
        let people = (0..<60).map { Enrollment(email: "p\($0)@example.net", timeZone: nil, variables: [:]) }
        _ = try setup.enqueue(campaign: SendingStoreContractTests.campaign(steps: 1), recipients: people, now: Self.t0)

        let start = StartLine(runners: 4)
        let tallies = try await withThrowingTaskGroup(of: Tally.self) { group in
            for w in 0..<4 {
                group.addTask { try await offPool { try Self.work(url: url, worker: w, start: start) } }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        let store = try StateStore(postgres: url).sendingStore()
        let reservations = try store.allReservations()
        // The group's hourly cap binds first (3 mailboxes × 8 > 20), and the workers stop only when it refuses.
        #expect(reservations.count == Self.limits.groupHourlyCap)
        #expect(Set(reservations.map(\.messageRow)).count == reservations.count, "a message was reserved twice")
        #expect(tallies.map(\.reserved).reduce(0, +) == reservations.count)
        #expect(tallies.allSatisfy { $0.limited > 0 }, "every worker ran into the shared limits")
        for (mailbox, n) in Dictionary(grouping: reservations, by: \.mailbox).mapValues(\.count) {
            #expect(n <= Self.limits.mailboxDailyCap, "\(mailbox) reserved \(n) times")
        }
        // In the order they were stored, each reservation respects the pauses and intervals drawn by all before it.
        var groupNext = -Double.infinity
        var mailboxNext: [String: Double] = [:]
        for r in reservations {
            #expect(r.at >= groupNext, "group pause broken at \(r.at) < \(groupNext)")
            #expect(r.at >= mailboxNext[r.mailbox, default: -.infinity], "interval of \(r.mailbox) broken")
            groupNext = max(groupNext, r.groupNextAt)
            mailboxNext[r.mailbox] = max(mailboxNext[r.mailbox, default: -.infinity], r.mailboxNextAt)
        }
        // Reserved means sent once and settled; the rest is still planned for a later hour.
        let accepted = try store.messages(state: .accepted)
        #expect(Set(accepted.map(\.row)) == Set(reservations.map(\.messageRow)))
        #expect(try store.messages(state: .planned).count == people.count - reservations.count)
        #expect(try store.messages(state: .attempting).isEmpty && store.messages(state: .reserved).isEmpty)
    }

    /// One worker: its own store, its own clock, reserving what is pending
    /// until the group's hourly cap refuses it.
    static func work(url: PostgresURL, worker: Int, start: StartLine) throws -> Tally {
        let store = try StateStore(postgres: url, maxConnections: 2).sendingStore()
        start.wait()
        var tally = Tally()
        var clock = t0
        var next = worker
        for _ in 0..<400 {
            let pending = try store.pendingMessages()
            if pending.isEmpty { return tally }
            for m in pending {
                let mailbox = mailboxes[next % mailboxes.count]
                next += 1
                let r = Reservation(messageRow: m.row, mailbox: mailbox, group: m.group, at: clock, mailboxNextAt: clock + interval,
                                    groupNextAt: clock + pause, messageID: "<\(m.row)@acme-mail.com>", limits: limits, sender: "\(worker)@host#w")
                switch try store.reserve(r) {
                case .reserved:
                    tally.reserved += 1
                    try store.markAttempting(row: m.row, at: clock)
                    try store.settle(row: m.row, outcome: SendingStoreContractTests.accepted, at: clock + 0.01)
                case .limited(let refusal):
                    tally.limited += 1
                    if refusal.limit == .hourlyCap { return tally }
                    // A pause or interval: this worker's clock moves on; a full mailbox: the next one is tried.
                    if refusal.limit != .dailyCap { clock = max(clock, refusal.retryAt) }
                case .refused:
                    tally.taken += 1
                }
            }
        }
        Issue.record("worker \(worker) never reached the hourly cap")
        return tally
    }
}

/// Lets the workers go together once all have connected, so they race from the first message.
final class StartLine: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int

    init(runners: Int) { waiting = runners }

    func wait() {
        condition.lock(); defer { condition.unlock() }
        waiting -= 1
        if waiting == 0 { condition.broadcast(); return }
        while waiting > 0 { condition.wait() }
    }
}
