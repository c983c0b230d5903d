import Foundation
import Providers
import Sender
import Store
import Testing

/// The real libcurl transport against the real aiosmtpd server on loopback.
@Suite(.serialized) struct SMTPDeliveryTests {
    let env = ["TEST_SMTP_PASSWORD": "pass"]

    func fleet(_ server: SMTPTestServer, password: String = "env:TEST_SMTP_PASSWORD") -> SendingFleet {
        makeFleet(groups: 1, mailboxesPerGroup: 2, pause: SecondsRange(0, 0), interval: SecondsRange(0, 0),
                  smtp: SMTPEndpoint(url: server.url, caInfo: server.cert.path), password: password)
    }

    func engine(_ fleet: SendingFleet, _ store: any SendingStore, env: [String: String]? = nil) throws -> SendEngine {
        try SendEngine(fleet: fleet, store: store, transport: CurlSMTPTransport(environment: env ?? self.env, finalReplyTimeout: 20),
                       clock: SystemClock(), random: SystemRandom(), builder: testBuilder)
    }

    /// A state with one recipient queued for a one-step campaign.
    func oneQueued() throws -> (SQLiteSendingStore, URL) {
        let (store, dir) = try makeSQLiteStore()
        let c = Campaign(id: "intro", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(1), now: Date().timeIntervalSince1970)
        return (store, dir)
    }

    @Test func deliversExactMessagesOverSTARTTLSWithAuth() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "intro", steps: [CampaignStep(subject: "Hello {{first_name}}", text: "Hi {{first_name}}", html: "<p>Hi {{first_name}}</p>")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(3), now: Date().timeIntervalSince1970)
        let f = fleet(server)
        let e = try engine(f, store)
        try await e.run(until: Date().timeIntervalSince1970 + 120) { (try? store.messages(state: .planned).isEmpty) ?? false }

        let accepted = try store.messages(state: .accepted)
        #expect(accepted.count == 3)
        let received = server.received()
        #expect(received.count == 3)
        for log in server.log() {
            #expect(log["tls"] as? Bool == true)
            #expect(log["auth"] as? Bool == true)
        }
        let byTo = Dictionary(uniqueKeysWithValues: received.map { (headers(of: $0)["to"] ?? "", $0) })
        for m in accepted {
            let msg = try #require(byTo["<\(m.email)>"])
            let h = headers(of: msg)
            #expect(h["message-id"] == m.messageID)
            #expect(h["from"] == "Sender \(f.mailbox(m.mailbox!)!.address.prefix(7).last!) <\(m.mailbox!)>")
            #expect(h["subject"] == "Hello R\(m.email.dropFirst().prefix { $0.isNumber })")
            #expect(h["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
            #expect(h["list-unsubscribe"]?.hasPrefix("<https://u.example.org/u/") == true)
            #expect(h["content-type"]?.hasPrefix("multipart/alternative") == true)
            #expect(h["date"] != nil)
        }
        // The final reply is recorded with its text.
        let record = try #require(try store.messageRecord(row: accepted[0].row))
        #expect(record.message.state == .accepted)
        #expect(try store.events(kind: nil).isEmpty)
    }

    @Test func serverWithoutSTARTTLSReceivesNothing() async throws {
        let server = try SMTPTestServer(noStartTLS: true)
        defer { server.stop() }
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "intro", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(2), now: Date().timeIntervalSince1970)
        let e = try engine(fleet(server), store)
        for _ in 0..<2 { _ = try await e.step() }
        #expect(server.received().isEmpty)
        let deferred = try store.messages(state: .deferred)
        #expect(deferred.count == 2)
        #expect(try store.messages(state: .accepted).isEmpty)
    }

    @Test func failuresAreClassifiedByPhase() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let c = Campaign(id: "intro", steps: [CampaignStep(subject: "s", text: "t")])
        let rs = ["bad1", "later1", "reject1", "drop1", "fine1"].map { Enrollment(email: "\($0)@example.net", timeZone: nil, variables: [:]) }
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: rs, now: Date().timeIntervalSince1970)
        let e = try engine(fleet(server), store)
        var results: [String: TransportResult] = [:]
        for _ in 0..<5 {
            if case .sent(let row, _, let r) = try await e.step() { results[try store.messageRecord(row: row)!.message.email] = r }
        }
        #expect(results["bad1@example.net"]?.state == .rejected)
        #expect(results["bad1@example.net"]?.hardBounce == true)
        #expect(results["bad1@example.net"]?.text.hasPrefix("550 5.1.1") == true)
        #expect(results["later1@example.net"]?.state == .deferred)
        #expect(results["later1@example.net"]?.code == 450)
        #expect(results["reject1@example.net"]?.state == .rejected)
        #expect(results["reject1@example.net"]?.text == "554 5.7.1 Message rejected as spam")
        #expect(results["drop1@example.net"]?.state == .unknown)
        #expect(results["drop1@example.net"]?.phase == .afterDot)
        #expect(results["fine1@example.net"]?.state == .accepted)
        #expect(results["fine1@example.net"]?.text.hasPrefix("250 2.0.0 Ok: queued as") == true)
        // The hard bounce suppressed the address fleet-wide; the unknown is never resent.
        #expect(try store.suppressedEmails() == ["bad1@example.net"])
        #expect(try store.messages(state: .unknown).map(\.email) == ["drop1@example.net"])
        #expect(server.received().count == 2)       // drop1 (stored, then connection cut) and fine1
    }

    /// Issue #18: a refused login (535) is our configuration's fault, not the
    /// recipient's: the message stays planned, the mailbox pauses with an
    /// alert event, and nothing counts as a send or a bounce.
    @Test func wrongPasswordLeavesTheMessagePlannedAndPausesTheMailbox() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir) = try oneQueued()
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try engine(fleet(server), store, env: ["TEST_SMTP_PASSWORD": "s3cret-wrong"])
        guard case .sent(_, let mailbox, let r) = try await e.step() else { Issue.record("expected an attempt"); return }
        #expect(r.state == .planned && r.configFault == .mailbox, "\(r)")
        #expect(r.phase == .auth && r.code == 535)
        #expect(!r.text.contains("s3cret-wrong"))
        #expect(server.received().isEmpty)
        // The recipient's sequence goes on: planned, no sticky sender, nothing suppressed.
        let planned = try store.messages(state: .planned)
        #expect(planned.map(\.email) == ["r0@example.net"] && planned.first?.mailbox == nil)
        #expect(try store.suppressedEmails().isEmpty)
        let health = try #require(try store.mailboxHealth()[mailbox])
        #expect(!health.enabled && health.reason?.hasPrefix("paused: configuration: SMTP AUTH refused: 535") == true, "\(health)")
        let alerts = try store.events(kind: .configFault)
        #expect(alerts.map(\.mailbox) == [mailbox])
        #expect(try store.events(kind: .hardBounce).isEmpty)
        // The reservation stays (limits are never refunded) but is no send in the mailbox's health.
        #expect(try store.allReservations().count == 1)
        let stats = try store.mailboxStats(since: 0)[mailbox] ?? MailboxStats()
        #expect(stats.sends == 0 && stats.bounces == 0)
    }

    /// A relay whose certificate does not verify pauses the whole group (its
    /// way out is wrong), and the message stays planned.
    @Test func untrustedCertificateIsAConfigurationFaultOfTheGroup() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (store, dir) = try oneQueued()
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = fleet(server)
        for i in f.groups.indices { f.groups[i].smtp?.caInfo = nil }    // the self-signed certificate is not trusted
        let e = try engine(f, store, env: ["TEST_SMTP_PASSWORD": "pass"])
        guard case .sent(_, _, let r) = try await e.step() else { Issue.record("expected an attempt"); return }
        #expect(r.state == .planned && r.configFault == .group, "\(r)")
        #expect(r.text.contains("TLS certificate does not verify"))
        #expect(try store.messages(state: .planned).count == 1)
        let paused = try store.mailboxHealth().values.filter { !$0.enabled }.map(\.address).sorted()
        #expect(paused == f.mailboxes.filter { $0.group == "g1" }.map(\.address).sorted())
        #expect(server.received().isEmpty)
    }

    /// A Mailgun pool's mailbox logs in as itself with the password apply
    /// derived from the master secret — and never with the master secret itself.
    @Test func mailgunPoolMailboxLogsInWithItsDerivedPassword() async throws {
        let master = "master-canary-7f3a"
        var f = makeFleet(groups: 1, mailboxesPerGroup: 1, pause: SecondsRange(0, 0), interval: SecondsRange(0, 0))
        let login = f.mailboxes[0].address
        let derived = SMTPPasswordDeriver(masterSecret: master).password(for: login, version: SMTPPasswordDeriver.currentVersion)
        #expect(derived != master)
        let server = try SMTPTestServer(user: login, password: derived)
        defer { server.stop() }
        f.mailboxes[0].smtpUsername = login
        f.mailboxes[0].smtpPassword = "env:TEST_SMTP_MASTER"
        for i in f.groups.indices { f.groups[i].smtp = SMTPEndpoint(url: server.url, caInfo: server.cert.path) }

        func attempt(derivation: Int?) async throws -> TransportResult {
            f.mailboxes[0].smtpPasswordDerivation = derivation
            let (store, dir) = try makeSQLiteStore()
            defer { try? FileManager.default.removeItem(at: dir) }
            let c = Campaign(id: "intro", steps: [CampaignStep(subject: "s", text: "t")])
            _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(1), now: Date().timeIntervalSince1970)
            let e = try engine(f, store, env: ["TEST_SMTP_MASTER": master])
            guard case .sent(_, _, let r) = try await e.step() else { throw TestFailure("expected an attempt") }
            return r
        }
        // The master secret as the password is refused (what a naive sender would do)…
        let naive = try await attempt(derivation: nil)
        #expect(naive.state == .planned && naive.phase == .auth && naive.configFault == .mailbox)
        #expect(server.received().isEmpty)
        // …the derived one is accepted.
        let derivedAttempt = try await attempt(derivation: SMTPPasswordDeriver.currentVersion)
        #expect(derivedAttempt.state == .accepted)
        #expect(server.received().count == 1)
        #expect(!derivedAttempt.text.contains(master) && !derivedAttempt.text.contains(derived))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
