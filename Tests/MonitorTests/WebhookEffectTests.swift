import Foundation
import Monitor
import Providers
import Sandbox
import Sender
import Store
import Testing

/// What an accepted webhook does, in the state file, before its 200.
@Suite(.serialized) struct WebhookEffectTests {
    func bounce(_ m: OutboxMessage) -> Data {
        MonitorHarness.webhook(MonitorHarness.event("failed", recipient: m.email, messageID: m.messageID, severity: "permanent", reason: "bounce"))
    }

    @Test func theBounceThatCrossesTheThresholdDisablesTheMailboxBeforeIts200() async throws {
        try await MonitorHarness.with(minimumSample: 20) { h in
            let sent = try h.sentMessages(20)
            // 10 % of 20 is 2: the third bounce crosses it.
            for (i, m) in sent.prefix(3).enumerated() {
                #expect(try await h.post("/webhooks/mailgun", body: bounce(m)).status == 200)
                let health = try h.store.mailboxHealth()[MonitorHarness.mailbox]
                #expect((health?.enabled ?? true) == (i < 2), "after bounce \(i + 1)")
            }
            let disabled = try h.store.events(kind: .mailboxDisabled)
            #expect(disabled.count == 1)
            #expect(disabled.first?.mailbox == MonitorHarness.mailbox)
            // The recipients are suppressed and the mailbox can no longer reserve a send.
            #expect(try sent.prefix(3).allSatisfy { try h.store.suppression(email: $0.email)?.reason == "hard bounce" })
            #expect(try h.store.events(kind: .hardBounce).allSatisfy { $0.mailbox == MonitorHarness.mailbox })
        }
    }

    /// Concurrent webhooks share commits (group commit): each is stored once
    /// with its effects before its 200, and exactly one disables the mailbox.
    @Test func concurrentBouncesAreEachCountedOnceAndDisableTheMailboxOnce() async throws {
        try await MonitorHarness.with(minimumSample: 20) { h in
            let bodies = try h.sentMessages(40).map(bounce)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { g in
                for body in bodies { g.addTask { try await h.post("/webhooks/mailgun", body: body).status } }
                return try await g.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 40))
            #expect(try h.store.events(kind: .hardBounce).count == 40)
            #expect(try h.store.feedbackCounts().byEvent == ["failed": 40])
            #expect(try h.store.events(kind: .mailboxDisabled).count == 1)
            #expect(h.logLines.value.filter { $0.hasPrefix("mailbox \(MonitorHarness.mailbox) disabled") }.count == 1)
        }
    }

    @Test func aDisabledMailboxIsRefusedAtReservation() async throws {
        try await MonitorHarness.with(minimumSample: 2) { h in
            let sent = try h.sentMessages(2)
            for m in sent { _ = try await h.post("/webhooks/mailgun", body: bounce(m)) }
            #expect(try h.store.mailboxHealth()[MonitorHarness.mailbox]?.enabled == false)
            _ = try h.store.enqueue(campaign: CampaignRecord(id: "next", group: "g1", definition: "{}", stepDelays: [0], stopOnReply: true,
                                                             stopOnBounce: true),
                                    recipients: [Enrollment(email: "fresh@example.net", timeZone: nil, variables: [:])], now: 0)
            let row = try #require(try h.store.messages(state: .planned).first { $0.campaign == "next" }).row
            let r = try h.store.reserve(Reservation(messageRow: row, mailbox: MonitorHarness.mailbox, group: "g1", at: 1, mailboxNextAt: 1,
                                                    groupNextAt: 1, messageID: "<x@g1-d1.example>"))
            #expect(r == .refused(ReserveResult.mailboxDisabled))
            #expect(try h.store.messages(state: .planned).contains { $0.row == row })
        }
    }

    @Test func complaintsDisableOverTheComplaintRate() async throws {
        try await MonitorHarness.with(minimumSample: 5) { h in
            let sent = try h.sentMessages(5)
            let e = MonitorHarness.event("complained", recipient: sent[0].email, messageID: sent[0].messageID)
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(e)).status == 200)
            #expect(try h.store.suppression(email: sent[0].email)?.reason == "complaint")
            #expect(try h.store.mailboxHealth()[MonitorHarness.mailbox]?.enabled == false)
            #expect(try h.store.events(kind: .mailboxDisabled).first?.detail.hasPrefix("complaint rate") == true)
        }
    }

    @Test func temporaryFailuresAreDeferralsNotBounces() async throws {
        try await MonitorHarness.with(minimumSample: 1) { h in
            let m = try h.sentMessages(1)[0]
            let e = MonitorHarness.event("failed", recipient: m.email, messageID: m.messageID, severity: "temporary", reason: "generic")
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(e)).status == 200)
            #expect(try h.store.events(kind: .softBounce).count == 1)
            #expect(try h.store.events(kind: .hardBounce).isEmpty)
            #expect(try h.store.suppression(email: m.email) == nil)
            #expect(try h.store.mailboxHealth()[MonitorHarness.mailbox]?.enabled ?? true)
        }
    }

    @Test func deliveredSettlesAnUnknownOutcomeAndPlansTheNextStep() async throws {
        try await MonitorHarness.with { h in
            let campaign = CampaignRecord(id: "seq", group: "g1", definition: "{}", stepDelays: [0, 60], stopOnReply: true, stopOnBounce: true)
            _ = try h.store.enqueue(campaign: campaign, recipients: [Enrollment(email: "u@example.net", timeZone: nil, variables: [:])], now: 0)
            let row = try #require(try h.store.messages(state: .planned).first).row
            _ = try h.store.reserve(Reservation(messageRow: row, mailbox: MonitorHarness.mailbox, group: "g1", at: 1, mailboxNextAt: 1,
                                                groupNextAt: 1, messageID: "<crash.1@g1-d1.example>"))
            try h.store.markAttempting(row: row, at: 2)
            #expect(try h.store.recoverInterrupted(at: 3) == 1)
            let e = MonitorHarness.event("delivered", recipient: "u@example.net", messageID: "crash.1@g1-d1.example")
            #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(e)).status == 200)
            #expect(try h.store.messages(state: .accepted).map(\.row) == [row])
            #expect(try h.store.messages(state: .planned).map(\.step) == [1])
            #expect(try h.store.events(kind: .delivered).count == 1)
        }
    }

    @Test func eventsForUnknownMessagesAreStoredAndCountedNotErrors() async throws {
        try await MonitorHarness.with { h in
            for name in ["delivered", "opened", "clicked"] {
                let e = MonitorHarness.event(name, messageID: "never-sent.\(name)@g1-d1.example")
                #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(e)).status == 200)
            }
            let c = try h.store.feedbackCounts()
            #expect(c.unknownMessages == 3)
            #expect(c.byEvent == ["delivered": 1, "opened": 1, "clicked": 1])
            #expect(try h.store.events(kind: nil).isEmpty)
        }
    }

    @Test func opensAndClicksAreRecordedButNeverChangeHealth() async throws {
        try await MonitorHarness.with(minimumSample: 1) { h in
            let m = try h.sentMessages(1)[0]
            for name in ["opened", "clicked", "opened"] {
                let e = MonitorHarness.event(name, recipient: m.email, messageID: m.messageID)
                #expect(try await h.post("/webhooks/mailgun", body: MonitorHarness.webhook(e)).status == 200)
            }
            #expect(try h.store.feedbackCounts().byEvent == ["opened": 2, "clicked": 1])
            #expect(try h.store.feedbackCounts().byCampaign == [m.campaign: ["opened": 2, "clicked": 1]])
            let status = try StatusReport.render(fleet: h.fleet, store: h.store, now: Date().timeIntervalSince1970)
            #expect(status.contains("webhook events: 1 clicked, 2 opened (0 for messages not in the outbox)"))
            #expect(status.contains("  campaign \(m.campaign): 0 delivered, 2 opened, 1 clicked"))
            #expect(try h.store.feedbackCounts().unknownMessages == 0)
            #expect(try h.store.mailboxHealth()[MonitorHarness.mailbox]?.enabled ?? true)
            #expect(try h.store.suppression(email: m.email) == nil)
        }
    }

    /// A body as Mailgun really sends it (the §1.10 field union): the intake
    /// reads only what it stores and skips the rest — user-variables, flags,
    /// tags, storage, a null `mail-from`, delivery-status extras — unchecked.
    @Test func aFullMailgunBodyIsStoredFromTheFieldsTheIntakeReads() async throws {
        try await MonitorHarness.with(minimumSample: 100) { h in
            let m = try h.sentMessages(1)[0]
            let s = MailgunWebhookDispatcher.sign(key: MonitorHarness.signingKey, now: Date())
            let body = """
                {"signature": {"token": "\(s.token)", "timestamp": "\(s.timestamp)", "signature": "\(s.signature)"},
                 "event-data": {"event": "failed", "id": "full-1", "timestamp": \(Date().timeIntervalSince1970), "log-level": "error",
                   "severity": "permanent", "reason": "bounce", "recipient": "\(m.email)", "recipient-domain": "example.net",
                   "recipient-provider": "Other", "tags": ["launch"], "campaigns": [], "user-variables": {"campaign": "123", "n": 4},
                   "envelope": {"sender": "\(MonitorHarness.mailbox)", "targets": "\(m.email)", "transport": "smtp",
                                "sending-ip": "198.51.100.7", "mail-from": null},
                   "flags": {"is-authenticated": true, "is-routed": null, "is-test-mode": false, "is-system-test": false},
                   "message": {"headers": {"to": "\(m.email)", "from": "Sender <\(MonitorHarness.mailbox)>", "subject": "Hi",
                                           "message-id": "\(MailgunMessageID.bare(m.messageID!))"},
                               "attachments": [], "size": 1024},
                   "delivery-status": {"code": 550, "enhanced-code": "5.1.1", "message": "No such user", "attempt-no": 1,
                                       "session-seconds": 0.4, "tls": true, "certificate-verified": true, "mx-host": "mx.example.net",
                                       "description": ""},
                   "storage": {"url": "https://storage.example/m/1", "key": "k1"}, "account": {"id": "a1"},
                   "domain": {"name": "\(MonitorHarness.domain)"}}}
                """
            #expect(try await h.post("/webhooks/mailgun", body: Data(body.utf8)).status == 200)
            let bounce = try #require(try h.store.events(kind: .hardBounce).first)
            #expect(bounce.email == m.email && bounce.mailbox == MonitorHarness.mailbox && bounce.messageID == m.messageID)
            #expect(bounce.detail == "permanent bounce: 550 5.1.1 No such user")
            #expect(try h.store.suppression(email: m.email)?.reason == "hard bounce")
            #expect(try h.store.feedbackCounts().byCampaign == [m.campaign: ["failed": 1]])
        }
    }
}
