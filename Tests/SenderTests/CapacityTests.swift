import Foundation
import Sender
import Store
import Testing

/// 2026-12-07 00:00:00 UTC, a Monday a week after the example fleet's latest warmup start.
let decemberMonday: Double = 1_796_601_600

@Suite struct CapacityTests {
    @Test func namesTheGroupPauseAsBindingForTheSeedNumbers() throws {
        // The reference fleet of `example-fleet --domains 600`, a week after its last warmup start.
        let fleet = try SendingFleet.example(domains: 600)
        let store = MemorySendingStore()
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(4000), now: decemberMonday)
        let text = try CapacityReport.render(fleet: fleet, store: store, days: 2, now: decemberMonday + 3600)
        let g1 = text.split(separator: "\n").filter { $0.contains("  2026-12-07:") }.first.map(String.init) ?? ""
        #expect(g1.contains("demand 4000, capacity 2304 (1920–2880), shortfall 1696"))
        #expect(g1.contains("binding: the 30–45 s group pause caps the group at 80–120 mails/hour, under its 300/hour cap"))
        #expect(text.contains("2026-12-08: demand 1696, capacity 2304"))
        #expect(text.contains("group g1: 286 active mailboxes, hourly cap 300, pause 30–45 s"))
        #expect(text.contains("every limit alone: group pause 2304 | group hourly cap 7200"))
    }

    @Test func aCampaignThatInheritsItsGroupsWindowIsPlannedInsideIt() throws {
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 10, pause: SecondsRange(30, 45))
        fleet.groups[0].window = WeeklyWindow(startMinute: 9 * 60, endMinute: 17 * 60, weekdays: [2, 3, 4, 5, 6])
        fleet.groups[0].windowTimeZone = "UTC"
        let store = MemorySendingStore()
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "s", text: "t")], inheritsWindow: true)
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(4000), now: decemberMonday)
        let text = try CapacityReport.render(fleet: fleet, store: store, days: 7, now: decemberMonday + 3600)
        #expect(!text.contains("always open"))
        // 8 open hours at 80–120 an hour on a weekday; nothing on Saturday and Sunday.
        #expect(text.contains("2026-12-07: demand 4000, capacity 768"))
        #expect(text.contains("2026-12-12: demand 160, capacity 0"))
    }

    @Test func warmupCapsBindWhenTheyAreSmallerThanThePause() throws {
        let fleet = makeFleet(groups: 1, mailboxesPerGroup: 10, pause: SecondsRange(30, 45),
                              warmup: [Warmup.Stage(days: 7, daily: 10), Warmup.Stage(days: nil, daily: 150)], started: "2026-03-02")
        let c = CapacityModel.group(fleet.groups[0], fleet: fleet, start: monday, hours: 24)
        #expect(c.binding == .dailyCap)
        #expect(c.capacity == 100)
    }

    @Test func simulationReportEndsWithTheTotalLine() async throws {
        let fleet = makeFleet(groups: 2, mailboxesPerGroup: 30, pause: SecondsRange(30, 45))
        let report = try await Simulator.run(fleet: fleet, hours: 3, seed: 9, start: monday)
        let lines = report.render().split(separator: "\n")
        let last = String(lines.last ?? "")
        #expect(last.hasPrefix("total sends: \(report.total) of theoretical maximum 576 ("))
        #expect(report.violations.isEmpty)
        #expect(lines.contains { $0.contains("group pause") && $0.hasPrefix("  2026-03-02 02:00 UTC  ") })
        #expect(report.utilisation > 0.95)
    }
}
