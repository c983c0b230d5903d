import Foundation
import Sender
import Store
import Testing

/// `send --simulate --outbox` replays a state file's queued first steps,
/// by campaign, in a stable order, with its suppressions.
@Suite struct OutboxDemandTests {
    @Test func queuedFirstStepsGroupedByCampaignSortedWithSuppressions() throws {
        let (store, dir) = try makeSQLiteStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        let now = Date().timeIntervalSince1970
        let b = Campaign(id: "b-later", steps: [CampaignStep(subject: "B {{first_name}}", text: "b")])
        let a = Campaign(id: "a-first", steps: [CampaignStep(subject: "A {{first_name}}", text: "a")])
        _ = try store.enqueue(campaign: b.record(group: "g2"), recipients: recipients(3, prefix: "b"), now: now)
        _ = try store.enqueue(campaign: a.record(group: "g1"), recipients: recipients(2, prefix: "a"), now: now)
        try store.suppress(email: "gone@example.org", reason: "unsubscribe", source: "test", at: now)

        let demand = try OutboxDemand(store: store)
        #expect(demand.entries.map(\.campaign.id) == ["a-first", "b-later"])
        #expect(demand.entries.map(\.group) == ["g1", "g2"])
        #expect(demand.entries.map(\.recipients.count) == [2, 3])
        #expect(demand.entries[1].recipients.map(\.email) == recipients(3, prefix: "b").map(\.email))
        #expect(demand.suppressed == ["gone@example.org"])
        #expect(demand.outbox.map(\.campaign.id) == ["a-first", "b-later"])
    }
}
