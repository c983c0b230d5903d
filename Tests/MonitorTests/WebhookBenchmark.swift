import Foundation
import Monitor
import Store
import Testing

/// Measured by `scripts/bench-webhooks threshold` (RECONCILE_BENCH_WEBHOOKS=1):
/// from the POST of the bounce that takes a mailbox over 10 % to the store
/// refusing that mailbox's next reservation. Prints; asserts no timing.
@Suite(.serialized) struct WebhookBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECONCILE_BENCH_WEBHOOKS"] == "1"))
    func thresholdCrossingToUnableToSend() async throws {
        var times: [Double] = []
        for round in 0..<20 {
            try await MonitorHarness.with(minimumSample: 20) { h in
                let sent = try h.sentMessages(20, prefix: "b\(round)-")
                let bounce = { (m: OutboxMessage) in
                    MonitorHarness.webhook(MonitorHarness.event("failed", recipient: m.email, messageID: m.messageID,
                                                                severity: "permanent", reason: "bounce"))
                }
                for m in sent.prefix(2) { _ = try await h.post("/webhooks/mailgun", body: bounce(m)) }
                let crossing = bounce(sent[2])
                _ = try h.store.enqueue(campaign: CampaignRecord(id: "probe", group: "g1", definition: "{}", stepDelays: [0],
                                                                 stopOnReply: true, stopOnBounce: true),
                                        recipients: [Enrollment(email: "probe\(round)@example.net", timeZone: nil, variables: [:])], now: 0)
                let row = try #require(try h.store.messages(state: .planned).first { $0.campaign == "probe" }).row
                let start = Date()
                let post = Task { try await h.post("/webhooks/mailgun", body: crossing) }
                // Polls the state a sender reserves against (reading, so the sample does not change).
                while try h.store.mailboxHealth()[MonitorHarness.mailbox]?.enabled ?? true, Date().timeIntervalSince(start) < 10 {
                    try await Task.sleep(nanoseconds: 200_000)
                }
                times.append(Date().timeIntervalSince(start))
                #expect(try await post.value.status == 200)
                let r = try h.store.reserve(Reservation(messageRow: row, mailbox: MonitorHarness.mailbox, group: "g1", at: 1,
                                                        mailboxNextAt: 1, groupNextAt: 1, messageID: "<probe\(round)@g1-d1.example>"))
                #expect(r == .refused(ReserveResult.mailboxDisabled))
            }
        }
        times.sort()
        print(String(format: "bench-webhooks threshold: crossing webhook to mailbox refused: median %.1f ms, max %.1f ms over %d rounds",
                     times[times.count / 2] * 1000, times.last! * 1000, times.count))
    }
}
