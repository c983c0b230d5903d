import Foundation
import Store
import Testing

/// `reserve` checks every limit against the store's own reservations (another
/// sender's included) and refuses with the time to ask again, consuming nothing.
@Suite struct ReservationLimitTests {
    typealias C = SendingStoreContractTests
    static let limits = ReservationLimits(mailboxDailyCap: 3, groupHourlyCap: 4)

    /// A reservation of `m` as another sender would make it: interval 60 s, pause 30 s.
    static func reservation(_ m: OutboxMessage, mailbox: String, at t: Double, sender: String = "1@host#a") -> Reservation {
        Reservation(messageRow: m.row, mailbox: mailbox, group: m.group, at: t, mailboxNextAt: t + 60, groupNextAt: t + 30,
                    messageID: "<\(m.row)@acme-mail.com>", limits: limits, sender: sender)
    }

    @Test(arguments: C.Backend.allCases)
    func eachLimitRefusesWithItsRetryTimeAndConsumesNothing(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(steps: 1), recipients: (0..<12).map {
                Enrollment(email: "r\($0)@example.org", timeZone: nil, variables: [:]) }, now: C.t0)
            let ms = try store.pendingMessages()
            let a = "alice@acme-mail.com", b = "bob@acme-mail.com", c = "carol@acme-mail.com", d = "dave@acme-mail.com"
            guard case .reserved = try store.reserve(Self.reservation(ms[0], mailbox: a, at: C.t0)) else { Issue.record("first"); return }
            // Group pause: 30 s after the first send, whichever mailbox and sender.
            #expect(try store.reserve(Self.reservation(ms[1], mailbox: b, at: C.t0 + 10, sender: "2@host#b"))
                    == .limited(LimitRefusal(limit: .groupPause, retryAt: C.t0 + 30)))
            // Mailbox interval: alice waits 60 s even once the group may send.
            #expect(try store.reserve(Self.reservation(ms[1], mailbox: a, at: C.t0 + 40))
                    == .limited(LimitRefusal(limit: .mailboxInterval, retryAt: C.t0 + 60)))
            guard case .reserved = try store.reserve(Self.reservation(ms[1], mailbox: b, at: C.t0 + 40)) else { Issue.record("b"); return }
            guard case .reserved = try store.reserve(Self.reservation(ms[2], mailbox: a, at: C.t0 + 80)) else { Issue.record("a2"); return }
            guard case .reserved = try store.reserve(Self.reservation(ms[3], mailbox: c, at: C.t0 + 120)) else { Issue.record("c"); return }
            // Hourly cap 4: the fifth within the hour waits until the first slides out.
            #expect(try store.reserve(Self.reservation(ms[4], mailbox: d, at: C.t0 + 200))
                    == .limited(LimitRefusal(limit: .hourlyCap, retryAt: C.t0 + 3_600)))
            guard case .reserved = try store.reserve(Self.reservation(ms[4], mailbox: a, at: C.t0 + 3_700)) else { Issue.record("a3"); return }
            // Daily cap 3: alice's fourth waits until her first is 24 h old.
            #expect(try store.reserve(Self.reservation(ms[5], mailbox: a, at: C.t0 + 7_300))
                    == .limited(LimitRefusal(limit: .dailyCap, retryAt: C.t0 + 86_400)))
            // Refusals consumed nothing: the message is still planned, the log has five sends.
            #expect(try store.messages(state: .planned).map(\.row).contains(ms[5].row))
            #expect(try store.mailboxStats(since: C.t0 - 1).values.reduce(0) { $0 + $1.sends } == 5)
        }
    }

    @Test(arguments: C.Backend.allCases)
    func recoveryLeavesALiveSendersMessagesAlone(_ backend: C.Backend) throws {
        try C.withStore(backend) { store in
            _ = try store.enqueue(campaign: C.campaign(steps: 1), recipients: C.people("ann@example.org", "bob@example.org"), now: C.t0)
            let ms = try store.pendingMessages()
            for (m, sender) in zip(ms, ["live", "gone"]) {
                var r = Self.reservation(m, mailbox: m.row == ms[0].row ? "alice@acme-mail.com" : "bob@acme-mail.com", at: C.t0 + Double(m.row) * 100)
                r.sender = sender
                guard case .reserved = try store.reserve(r) else { Issue.record("reserve"); return }
                try store.markAttempting(row: m.row, at: r.at)
            }
            #expect(try store.recoverInterrupted(at: C.t0 + 1_000) { $0 == "gone" } == 1)
            #expect(try store.messages(state: .attempting).map(\.row) == [ms[0].row])
            #expect(try store.messages(state: .unknown).map(\.row) == [ms[1].row])
        }
    }

    @Test func aSenderJudgesOnlyItsOwnHostAndKnowsItsPredecessor() {
        let me = SenderIdentity(pid: getpid(), host: "h1", token: "now")
        #expect(!me.hasAbandoned(me.text))
        #expect(me.hasAbandoned(SenderIdentity(pid: getpid(), host: "h1", token: "before").text))
        #expect(!me.hasAbandoned(SenderIdentity(pid: 1, host: "h2", token: "x").text), "another host is never judged from here")
        #expect(me.hasAbandoned(nil))
        // A pid that is not running on this host (pid_max on Linux is at most 2^22).
        #expect(me.hasAbandoned(SenderIdentity(pid: 4_194_305, host: "h1", token: "x").text))
    }
}
