import Foundation
import Store
import Testing

/// `send --simulate` and `capacity` plan inside each group's working hours
/// (`limits.window` in its zone), through the binary as an operator runs them.
@Suite struct SendingPlanCommandTests {
    /// The hour rows of a simulation report: (hour start as printed, sends).
    static func hourRows(_ report: String) -> [(hour: String, sends: Int)] {
        report.split(separator: "\n").compactMap { line in
            let l = line.trimmingCharacters(in: .whitespaces)
            guard l.count > 20, l.hasPrefix("20"), l.dropFirst(16).hasPrefix(" UTC") else { return nil }
            let rest = l.dropFirst(20).split(separator: " ")
            guard let sends = rest.first.flatMap({ Int($0) }) else { return nil }
            return (String(l.prefix(20)), sends)
        }
    }

    @Test func aMondaySimulationOfTheExampleFleetSendsOnlyInNewYorkWorkingHours() async throws {
        // 2026-12-07 is a Monday; New York is UTC-5 in December, so 09:00-17:00 there is 14:00-22:00 UTC.
        let out = try await CLIRunner.runAsync(CLIRunner.binary, ["send", "--simulate", "--example-domains", "600", "--hours", "24",
                                                                  "--start", "2026-12-07T00:00Z"], cwd: try CLIRunner.temporaryDirectory())
        #expect(out.status == 0, "\(out.stdout.suffix(3000))\n\(out.stderr)")
        #expect(out.stdout.contains("violations: 0"))
        let rows = Self.hourRows(out.stdout)
        #expect(rows.count == 4 * 24, "\(out.stdout.prefix(2000))")
        let open = (14..<22).map { String(format: "2026-12-07 %02d:00 UTC", $0) }
        #expect(rows.filter { !open.contains($0.hour) }.allSatisfy { $0.sends == 0 }, "\(rows.filter { $0.sends > 0 && !open.contains($0.hour) })")
        let sent = rows.reduce(0) { $0 + $1.sends }
        // About 96 an hour per group over 8 hours: 3,072 for the four groups.
        #expect(sent > 2_800 && sent < 3_300, "\(sent)")
        #expect(out.stdout.contains("2026-12-07 14:00 UTC"))
    }

    @Test func aSaturdaySimulationSendsNothing() async throws {
        let out = try await CLIRunner.runAsync(CLIRunner.binary, ["send", "--simulate", "--example-domains", "600", "--hours", "24",
                                                                  "--start", "2026-12-12T12:00Z"], cwd: try CLIRunner.temporaryDirectory())
        #expect(out.status == 0, "\(out.stdout.suffix(3000))\n\(out.stderr)")
        #expect(out.stdout.contains("total sends: 0 of theoretical maximum 0 "), "\(out.stdout.suffix(1500))")
        #expect(out.stdout.contains("2026-12-12 12:00 UTC"))
        #expect(out.stdout.contains("sending window"))
    }

    @Test func aStartThatIsNotATimeIsRefused() throws {
        let out = try CLIRunner.reconcile(["send", "--simulate", "--example-domains", "10", "--start", "next monday"],
                                          cwd: try CLIRunner.temporaryDirectory())
        #expect(out.status != 0)
        #expect(out.stderr.contains("--start 'next monday' is not an ISO 8601 time"), "\(out.stderr)")
    }

    @Test func capacityWithNothingQueuedPlansEachGroupsWindow() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // `capacity` never creates a state: an empty one, as enqueue would leave it.
        _ = try StateStore(path: dir + "/state.sqlite")
        let out = try CLIRunner.reconcile(["capacity", "--example-domains", "600", "--days", "7", "--state", dir + "/state.sqlite"], cwd: dir)
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.contains("group g1: 286 active mailboxes, hourly cap 300, pause 30–45 s, sending window 09:00–17:00 Mon–Fri America/New_York"),
                "\(out.stdout)")
        let g1 = out.stdout.components(separatedBy: "group g2:")[0].split(separator: "\n").filter { $0.hasPrefix("  20") }
        #expect(g1.count == 7)
        // Seven consecutive days: five weekdays at 8 h × 96/h, two weekend days closed.
        #expect(g1.filter { $0.contains("capacity 768 (640–960)") }.count == 5, "\(g1)")
        #expect(g1.filter { $0.contains("capacity 0, fits; binding: the sending window is closed all that day") }.count == 2, "\(g1)")
        #expect(out.stdout.contains("fleet: demand 0, capacity \(4 * 5 * 768) over 7 days"))
    }
}
