import Foundation
import Sender
import Store

/// 2026-03-02 10:30:00 UTC, a Monday morning.
let mondayMorning: Double = 1_772_409_600 + 10.5 * 3600

/// Two groups: g1 with two domains (one mailbox disabled later, one spare),
/// g2 with one domain.
func monitorFleet() -> SendingFleet {
    let interval = SecondsRange(30, 60)
    let mailboxes = [
        SendingMailbox(address: "ann@alpha.example", group: "g1", dailyMax: 50, interval: interval),
        SendingMailbox(address: "bob@alpha.example", group: "g1", dailyMax: 50, interval: interval),
        SendingMailbox(address: "cat@beta.example", group: "g1", role: .spare, dailyMax: 50, interval: interval),
        SendingMailbox(address: "dan@gamma.example", group: "g2", dailyMax: 40, interval: interval),
    ]
    return SendingFleet(groups: [SendingGroup(name: "g1", hourlyCap: 100, pause: SecondsRange(30, 45)),
                                 SendingGroup(name: "g2", hourlyCap: 60, pause: SecondsRange(30, 45))],
                        mailboxes: mailboxes, thresholds: HealthBands(disableBounceRate: 0.10, minimumSample: 10),
                        unsubscribe: UnsubscribeSettings(baseURL: "https://u.example.org/u", secret: "env:TEST_UNSUB_SECRET"))
}

/// Sends recorded through the store's own transactions (reserve → attempting
/// → settle), as the engine records them: `outcomes[i]` is the i-th
/// recipient's result, sent from `mailbox` at `start + i * 60`.
func recordSends(_ store: SQLiteSendingStore, campaign: String, group: String, mailbox: String,
                 outcomes: [MessageState], start: Double) throws {
    let c = Campaign(id: campaign, steps: [CampaignStep(subject: "s", text: "t")])
    let enrollments = outcomes.indices.map { Enrollment(email: "\(campaign)-r\($0)@example.net", timeZone: nil, variables: [:]) }
    _ = try store.enqueue(campaign: c.record(group: group), recipients: enrollments, now: start - 60)
    let pending = try store.pendingMessages().filter { $0.campaign == campaign }
    for (i, m) in pending.enumerated() {
        let at = start + Double(i) * 60
        guard case .reserved = try store.reserve(Reservation(messageRow: m.row, mailbox: mailbox, group: group, at: at,
                                                             mailboxNextAt: at + 30, groupNextAt: at + 30,
                                                             messageID: "<\(campaign)-\(i)@test>")) else { continue }
        try store.markAttempting(row: m.row, at: at)
        let state = outcomes[i]
        try store.settle(row: m.row, outcome: AttemptOutcome(state: state, code: state == .accepted ? 250 : 550, text: "test",
                                                            phase: "data", retryAt: state == .deferred ? at + 900 : nil,
                                                            suppressRecipient: state == .rejected), at: at + 1)
    }
}
