import Foundation
import Testing

@Suite struct ExampleFleetCommandTests {
    @Test func referenceFleetValidatesWithTheReferenceShape() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = try CLIRunner.reconcile(["example-fleet", "--domains", "600", "--out", dir])
        #expect(gen.status == 0)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: dir).sorted()
                == ["fleet.yaml", "groups", "groups/g1.yaml", "groups/g2.yaml", "groups/g3.yaml", "groups/g4.yaml"])
        let r = try CLIRunner.reconcile(["validate", "--inventory", dir])
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(r.stdout.hasPrefix("inventory OK: 5 files, 5 accounts, 4 groups, 600 domains, 1200 mailboxes\n"))
        for g in 1...4 {
            #expect(r.stdout.contains("  g\(g)  pool mailgun-\(g <= 2 ? "us (us)" : "eu (eu)")  150 domains  300 mailboxes  300/h  150/day per mailbox\n"))
        }
        #expect(r.stdout.contains("spare 30 domains / 60 mailboxes"))
        #expect(r.stdout.contains("porkbun ") && r.stdout.contains("namecheap "))
        #expect(r.stdout.contains("by region:    us 300 domains / 600 mailboxes, eu 300 domains / 600 mailboxes\n"))
        // One warning: the DMARC reports go to reports.acme-ops.com, outside the fleet.
        #expect(r.stdout.contains("warnings: 1\n"))
        #expect(r.stdout.contains("defaults.dmarc: DMARC reports go to reports.acme-ops.com but it is not a zone of this inventory"))
        let fleet = try String(contentsOfFile: dir + "/fleet.yaml", encoding: .utf8)
        #expect(fleet.contains("mailbox: { daily_max: 150, interval: 30s-60s }"))
        #expect(fleet.contains("group: { hourly: 300, pause: 30s-45s }"))
    }

    @Test func sameSeedSameFilesOtherSeedOtherFiles() throws {
        let a = try CLIRunner.temporaryDirectory(), b = try CLIRunner.temporaryDirectory(), c = try CLIRunner.temporaryDirectory()
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(atPath: d) } }
        #expect(try CLIRunner.reconcile(["example-fleet", "--domains", "40", "--out", a, "--seed", "7"]).status == 0)
        #expect(try CLIRunner.reconcile(["example-fleet", "--domains", "40", "--out", b, "--seed", "7"]).status == 0)
        #expect(try CLIRunner.reconcile(["example-fleet", "--domains", "40", "--out", c, "--seed", "8"]).status == 0)
        let read = { (d: String) in try Data(contentsOf: URL(fileURLWithPath: d + "/groups/g1.yaml")) }
        #expect(try read(a) == read(b))
        #expect(try read(a) != read(c))
        #expect(try CLIRunner.reconcile(["validate", "--inventory", c]).stdout.contains("4 groups, 40 domains, 80 mailboxes"))
    }

    @Test func tooFewDomainsIsAUsageError() throws {
        let r = try CLIRunner.reconcile(["example-fleet", "--domains", "3", "--out", "/tmp/never-written"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--domains must be at least 4"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }
}
