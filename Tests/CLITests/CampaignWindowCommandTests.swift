import Foundation
import Store
import Testing

/// A campaign's own `window` honours `recipient_local` as `limits.window`
/// does, with the same default (false: the window's zone for everyone),
/// through `enqueue`, `send --simulate --outbox` and `capacity`.
@Suite struct CampaignWindowCommandTests {
    static let inventory = CLIRunner.repositoryRoot + "/inventory"

    /// 09:00–17:00 Mon–Fri in Berlin; `extra` goes inside the window's braces.
    static func campaign(_ extra: String) -> String {
        """
        campaign: berlin-hours
        window: { hours: "09:00-17:00", timezone: Europe/Berlin\(extra) }
        steps:
          - subject: "Hello {{first_name}}"
            text: "Hi {{first_name}}"
        """
    }

    /// Enqueues the campaign for ten recipients in Los Angeles into a new
    /// state and simulates Monday 2026-12-07 (UTC) from the queue: the UTC
    /// hours that sent, the number sent and what `capacity` says of the window.
    func simulate(_ extra: String) throws -> (hours: Set<Int>, sent: Int, capacity: String) {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.campaign(extra).utf8).write(to: URL(fileURLWithPath: dir + "/c.yaml"))
        let rows = (1...10).map { "p\($0)@example.net,America/Los_Angeles,P\($0)" }
        try Data(("email,time_zone,first_name\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/r.csv"))
        let state = dir + "/state.sqlite"
        let e = try CLIRunner.reconcile(["enqueue", "--campaign", "c.yaml", "--recipients", "r.csv", "--group", "us-outreach",
                                         "--inventory", Self.inventory, "--state", state], cwd: dir)
        #expect(e.status == 0, "\(e.stderr)")
        let s = try CLIRunner.reconcile(["send", "--simulate", "--outbox", "--start", "2026-12-07T00:00Z", "--hours", "24",
                                         "--inventory", Self.inventory, "--state", state], cwd: dir)
        #expect(s.status == 0, "\(s.stdout.suffix(2000))\n\(s.stderr)")
        #expect(s.stdout.contains("violations: 0"), "\(s.stdout.suffix(2000))")
        let sending = SendingPlanCommandTests.hourRows(s.stdout).filter { $0.sends > 0 }
        let hours = Set(sending.compactMap { Int($0.hour.dropFirst(11).prefix(2)) })
        let c = try CLIRunner.reconcile(["capacity", "--days", "1", "--inventory", Self.inventory, "--state", state], cwd: dir)
        #expect(c.status == 0, "\(c.stderr)")
        let group = c.stdout.split(separator: "\n").first { $0.hasPrefix("group us-outreach:") }.map(String.init) ?? c.stdout
        return (hours, sending.reduce(0) { $0 + $1.sends }, group)
    }

    @Test func recipientLocalTrueReadsTheCampaignWindowInEachRecipientsZone() throws {
        // Los Angeles is UTC-8 in December: 09:00–17:00 there is 17:00–01:00 UTC.
        let local = try simulate(", recipient_local: true")
        #expect(local.sent == 10)
        #expect(!local.hours.isEmpty && local.hours.isSubset(of: Set(17..<24)), "\(local.hours.sorted())")
        #expect(local.capacity.hasSuffix("campaign window 09:00–17:00 Mon–Fri America/Los_Angeles"), "\(local.capacity)")
    }

    @Test func withoutRecipientLocalTheCampaignWindowIsReadInItsOwnZone() throws {
        // The inventory's default: Berlin for everyone, UTC+1 in December, so 08:00–16:00 UTC.
        let zoned = try simulate("")
        #expect(zoned.sent == 10)
        #expect(!zoned.hours.isEmpty && zoned.hours.isSubset(of: Set(8..<16)), "\(zoned.hours.sorted())")
        #expect(zoned.capacity.hasSuffix("campaign window 09:00–17:00 Mon–Fri Europe/Berlin"), "\(zoned.capacity)")
        #expect(try simulate(", recipient_local: false").hours == zoned.hours)
    }

    /// Flipping `recipient_local` changes when mail goes out: a changed campaign.
    @Test func changingRecipientLocalIsAChangeThatNeedsReplace() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.campaign("").utf8).write(to: URL(fileURLWithPath: dir + "/c.yaml"))
        try Data(Self.campaign(", recipient_local: true").utf8).write(to: URL(fileURLWithPath: dir + "/local.yaml"))
        try Data("email,first_name\nann@example.net,Ann\n".utf8).write(to: URL(fileURLWithPath: dir + "/r.csv"))
        func enqueue(_ file: String) throws -> CLIRunner.Output {
            try CLIRunner.reconcile(["enqueue", "--campaign", file, "--recipients", "r.csv", "--group", "us-outreach",
                                     "--inventory", Self.inventory, "--state", dir + "/state.sqlite"], cwd: dir)
        }
        #expect(try enqueue("c.yaml").status == 0)
        let r = try enqueue("local.yaml")
        #expect(r.status == 1)
        #expect(r.stderr.contains("campaign 'berlin-hours' is already queued and this file changes window;"), "\(r.stderr)")
    }
}
