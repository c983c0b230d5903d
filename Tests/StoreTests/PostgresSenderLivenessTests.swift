import Foundation
import Store
import TestSupport
import Testing

/// Senders on different hosts sharing one PostgreSQL outbox: a sender of
/// another host is judged by its liveness lock, which the server drops when
/// its session ends (issue #15: a worker killed between reserve and settle
/// leaves an `attempting` row that another worker recovers as unknown).
@Suite struct PostgresSenderLivenessTests {
    typealias C = SendingStoreContractTests

    @Test func anotherHostsSenderIsRecoveredOnlyOnceItsSessionIsGone() throws {
        let url = try PostgresServer.freshDatabase()
        let elsewhere = SenderIdentity(pid: 4242, host: "runner-b.example", token: "t1")
        var remote: (any SendingStore)? = try StateStore(postgres: url).sendingStore()
        try remote?.announce(elsewhere)
        let local = try StateStore(postgres: url).sendingStore()
        let m = try Self.attempting(by: elsewhere, in: local, "ann@example.org")

        let me = SenderIdentity.current()
        #expect(try local.recoverInterrupted(at: C.t0 + 3) { me.hasAbandoned($0) } == 0, "a live sender elsewhere is left alone")
        #expect(try local.messages(state: .attempting).map(\.row) == [m.row])
        remote = nil   // its process dies: the connection and its lock with it
        var recovered = 0
        for _ in 0..<50 where recovered == 0 {
            recovered = try local.recoverInterrupted(at: C.t0 + 4) { me.hasAbandoned($0) }
            if recovered == 0 { usleep(20_000) }
        }
        #expect(recovered == 1)
        #expect(try local.messages(state: .unknown).map(\.row) == [m.row], "recovered as unknown, never planned again")
    }

    /// A network blip ends the liveness session while the sender lives on:
    /// its next maintenance pass (`announce` again) takes the lock on a new
    /// connection, so other hosts go on leaving its attempts alone.
    @Test func aDroppedLivenessConnectionIsTakenAgainByTheNextAnnounce() throws {
        let url = try PostgresServer.freshDatabase()
        let elsewhere = SenderIdentity(pid: 4343, host: "runner-c.example", token: "t2")
        let remote = try #require(try StateStore(postgres: url).sendingStore() as? PostgresSendingStore)
        try remote.announce(elsewhere)
        let first = try #require(remote.livenessBackendPID)
        try remote.announce(elsewhere)
        #expect(remote.livenessBackendPID == first, "announcing again while connected keeps the session")

        let admin = try PostgresConnection(url: url)
        // pg_locks is cluster-wide and other tests share the cluster: only this database's liveness locks
        // (a two-key advisory lock shows its first key as classid).
        let held = {
            try admin.scalar("""
                SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database() AND l.classid = 29292 AND l.objsubid = 2
                """)
        }
        #expect(try held() == "1")
        _ = try admin.query("SELECT pg_terminate_backend($1)", [Int(first)])
        for _ in 0..<100 where try held() != "0" { usleep(20_000) }
        #expect(try held() == "0", "the dropped session took its lock with it")

        try remote.announce(elsewhere)
        #expect(try held() == "1")
        #expect(remote.livenessBackendPID != first)
        let local = try StateStore(postgres: url).sendingStore()
        _ = try Self.attempting(by: elsewhere, in: local, "bo@example.org")
        let me = SenderIdentity.current()
        #expect(try local.recoverInterrupted(at: C.t0 + 3) { me.hasAbandoned($0) } == 0, "alive again: its attempt is left alone")
    }

    /// One message to `email`, reserved by `sender` and left `attempting` (its process then dies or lives on).
    static func attempting(by sender: SenderIdentity, in store: any SendingStore, _ email: String) throws -> OutboxMessage {
        _ = try store.enqueue(campaign: C.campaign(steps: 1), recipients: C.people(email), now: C.t0)
        let m = try #require(try store.pendingMessages().first)
        var r = ReservationLimitTests.reservation(m, mailbox: "alice@acme-mail.com", at: C.t0 + 1)
        r.sender = sender.text
        guard case .reserved = try store.reserve(r) else { throw PostgresSenderLivenessTests.Failure.notReserved }
        try store.markAttempting(row: m.row, at: C.t0 + 2)
        return m
    }

    enum Failure: Error { case notReserved }
}
