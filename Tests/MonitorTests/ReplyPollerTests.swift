import Foundation
import Inventory
import Providers
import Store
import Testing
import TestSupport
@testable import Monitor

/// Replies read from a real Dovecot over IMAP/TLS into a real SQLite state.
@Suite(.serialized) struct ReplyPollerTests {
    static let box = "alice@acme-mail.com", password = "s3cret-Pass1"
    static let t0 = 1_772_438_400.0

    static func withWorld(_ body: (DovecotServer, SQLiteSendingStore, String) async throws -> Void) async throws {
        let server = try DovecotServer(users: [box: password])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replies-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { server.stop(); try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("state.sqlite").path
        try await body(server, SQLiteSendingStore(try StateStore(path: path)), path)
    }

    static func account(_ s: DovecotServer, password: String = password) -> IMAPAccount {
        IMAPAccount(mailbox: box, url: s.url, username: box, password: password, caFile: s.caFile)
    }

    /// Two recipients, a two-step campaign that stops on reply; step 0 sent to both.
    static func sentFirstSteps(_ store: SQLiteSendingStore) throws -> [String: String] {
        let campaign = CampaignRecord(id: "intro", group: "g1", definition: "{}", stepDelays: [0, 2 * 86_400],
                                      stopOnReply: true, stopOnBounce: true)
        _ = try store.enqueue(campaign: campaign, recipients: [Enrollment(email: "ann@example.org", timeZone: nil, variables: [:]),
                                                              Enrollment(email: "bob@example.org", timeZone: nil, variables: [:])], now: t0)
        var ids: [String: String] = [:]
        for m in try store.pendingMessages() {
            let id = "<\(m.row)-0@acme-mail.com>"
            let r = Reservation(messageRow: m.row, mailbox: box, group: m.group, at: t0, mailboxNextAt: t0 + 45, groupNextAt: t0 + 30, messageID: id)
            guard case .reserved = try store.reserve(r) else { Issue.record("not reserved"); continue }
            try store.markAttempting(row: m.row, at: t0)
            try store.settle(row: m.row, outcome: AttemptOutcome(state: .accepted, code: 250, text: "OK", phase: "data"), at: t0 + 1)
            ids[m.email] = id
        }
        return ids
    }

    static func followUp(_ store: SQLiteSendingStore, _ email: String) throws -> MessageState? {
        try store.messages(state: nil).first { $0.email == email && $0.step == 1 }?.state
    }

    @Test func clientReadsValidityUIDsAndHeadersAndAWrongPasswordIsALoginDenial() async throws {
        try await Self.withWorld { server, _, _ in
            try server.deliver(to: Self.box, "From: x@y.example\nSubject: one\nMessage-ID: <m1@y.example>\nIn-Reply-To: <a@b>\n\nbody\n")
            try server.deliver(to: Self.box, "From: x@y.example\nSubject: two\nMessage-ID: <m2@y.example>\n\nbody\n")
            let client = IMAPClient(timeout: 10)
            let account = Self.account(server)
            let validity = try await client.uidValidity(account)
            #expect(validity > 0)
            #expect(try await client.uids(account, after: 0) == [1, 2])
            #expect(try await client.uids(account, after: 1) == [2])
            // `2:*` on a mailbox whose highest UID is 2 still names 2; nothing is above it.
            #expect(try await client.uids(account, after: 2) == [])
            let h = try await client.headers(account, uid: 1, fields: InboundMessage.fields)
            #expect(InboundMessage.parse(h).answers == ["a@b"])
            await client.close(account)
            await #expect(throws: IMAPError.self) { try await client.uidValidity(Self.account(server, password: "wrong")) }
            do { _ = try await client.uidValidity(Self.account(server, password: "wrong")) } catch let e as IMAPError {
                #expect(e.isLoginDenied)
                #expect(!e.description.contains("wrong"))
            }
        }
    }

    @Test func aReplyStopsTheSequenceAnAutoReplyDoesNotAndNothingIsReadTwice() async throws {
        try await Self.withWorld { server, store, path in
            let ids = try Self.sentFirstSteps(store)
            #expect(try Self.followUp(store, "ann@example.org") == .planned)
            try server.deliver(to: Self.box, """
                From: Ann <ann@example.org>
                Subject: Re: hello
                Message-ID: <r1@example.org>
                In-Reply-To: \(ids["ann@example.org"]!)
                References: <older@elsewhere.example>
                 \(ids["ann@example.org"]!)

                Sounds good.
                """)
            try server.deliver(to: Self.box, """
                From: Bob <bob@example.org>
                Subject: Automatic reply: hello
                Auto-Submitted: auto-replied
                Message-ID: <ooo@example.org>
                In-Reply-To: \(ids["bob@example.org"]!)

                I am away.
                """)
            try server.deliver(to: Self.box, "From: someone@else.example\nSubject: hi\nMessage-ID: <x@else.example>\n\nunrelated\n")
            let poller = ReplyPoller(client: IMAPClient(timeout: 10), store: store, clock: VirtualClock(start: Self.t0 + 3600))
            let first = try await poller.poll(Self.account(server))
            #expect(first.replies == 1 && first.autoReplies == 1 && first.unrelated == 1)
            #expect(try Self.followUp(store, "ann@example.org") == .stopped)
            #expect(try Self.followUp(store, "bob@example.org") == .planned)
            #expect(try store.events(kind: .reply).map(\.email) == ["ann@example.org"])
            #expect(try store.events(kind: .autoReply).map(\.email) == ["bob@example.org"])

            // The cursor is durable: a new poller on a reopened state reads only what is new.
            let reopened = SQLiteSendingStore(try StateStore(path: path))
            let again = try await ReplyPoller(client: IMAPClient(timeout: 10), store: reopened).poll(Self.account(server))
            #expect(again == InboundReport())
            try server.deliver(to: Self.box, "From: Bob <bob@example.org>\nSubject: Re: hello\nMessage-ID: <r2@example.org>\nReferences: \(ids["bob@example.org"]!)\n\nYes, call me.\n")
            let third = try await ReplyPoller(client: IMAPClient(timeout: 10), store: reopened).poll(Self.account(server))
            #expect(third.replies == 1)
            #expect(try Self.followUp(reopened, "bob@example.org") == .stopped)
            #expect(try reopened.events(kind: .reply).count == 2)
        }
    }

    @Test func aServiceRoundLogsAFailingMailboxAndGoesOnWithTheOthers() async throws {
        try await Self.withWorld { server, store, _ in
            let ids = try Self.sentFirstSteps(store)
            try server.deliver(to: Self.box, "From: ann@example.org\nSubject: Re\nIn-Reply-To: \(ids["ann@example.org"]!)\n\nyes\n")
            let lines = LockedLines()
            let service = ReplyService(poller: ReplyPoller(client: IMAPClient(timeout: 10), store: store),
                                       accounts: [Self.account(server, password: "rotated"), Self.account(server)],
                                       interval: 300, log: { lines.append($0) })
            let failures = await service.round()
            #expect(failures.count == 1)
            #expect(try Self.followUp(store, "ann@example.org") == .stopped)
            #expect(lines.all.contains { $0.contains("alice@acme-mail.com") && $0.contains("curl 67") })
            #expect(!lines.all.joined().contains("rotated"))
        }
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
