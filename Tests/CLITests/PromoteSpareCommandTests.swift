import Foundation
import Testing

/// `reconcile promote-spare` through the binary: on a copy of the example
/// inventory it prints the diff, writes the edit, and the result validates;
/// after a converged apply the next plan retires the replaced domain and
/// changes nothing else; refusals exit 1 naming the file and line.
@Suite struct PromoteSpareCommandTests {
    @Test func theDiffIsPrintedTheInventoryValidatesAndTheNextPlanRetiresTheReplacedDomain() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            let file = "inventory/groups/us-outreach.yaml"
            let before = try String(contentsOfFile: f.dir + "/" + file, encoding: .utf8)
            let r = try await CLIRunner.runAsync(CLIRunner.binary, ["promote-spare", "--inventory", "inventory", "--group", "us-outreach",
                                                                    "--replace", "acme-outreach.net"], cwd: f.dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasPrefix("--- \(file)\n+++ \(file)\n@@ -12,12 +12,13 @@\n"), "\(r.stdout)")
            #expect(r.stdout.contains("\n+    role: retired\n"))
            #expect(r.stdout.contains("\n-    role: spare                   # reconciled and warmed, but not in rotation\n"
                                      + "+    role: active                  # reconciled and warmed, but not in rotation\n"))
            #expect(r.stderr == "promote-spare: getacme.io active, acme-outreach.net retired in group us-outreach (\(file) edited); "
                    + "nothing applied: review, then plan and apply\n")
            let after = try String(contentsOfFile: f.dir + "/" + file, encoding: .utf8)
            #expect(after.components(separatedBy: "\n").filter { $0.hasPrefix("#") || $0.contains(" # ") }
                    == before.components(separatedBy: "\n").filter { $0.hasPrefix("#") || $0.contains(" # ") }
                        .map { $0.replacingOccurrences(of: "role: spare                   #", with: "role: active                  #") })

            let v = try await CLIRunner.runAsync(CLIRunner.binary, ["validate", "--inventory", "inventory"], cwd: f.dir)
            #expect(v.status == 0, "\(v.stderr)")
            #expect(v.stdout.contains("by role:      active 5 domains / 8 mailboxes, spare 0 domains / 0 mailboxes, retired 1 domain / 2 mailboxes\n"), "\(v.stdout)")

            // The next plan: acme-outreach.net's mail resources go; nothing of any other domain changes.
            let plan = try await f.reconcile(["--plan"])
            #expect(plan.status == 0, "\(plan.stderr)")
            // Domain headers only: the Namecheap emulator registers with auto-renew off, which the plan warns about.
            let headers = plan.stdout.split(separator: "\n").filter { !$0.isEmpty && !$0.hasPrefix(" ") && !$0.hasPrefix("Plan:") && !$0.hasPrefix("warning:") }
            #expect(headers == ["acme-outreach.net"], "\(plan.stdout)")
            #expect(plan.stdout.contains("  - mailgun domain\n      # retired domain\n"), "\(plan.stdout)")
            #expect(plan.stdout.contains("Plan: 0 to create, 0 to update, "), "\(plan.stdout)")
            // The reviewed retirement applies as merged, without --allow-destructive (one teardown, under the limit of 3).
            let applied = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(try await f.converge())
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func refusalsExitOneNamingTheFileAndLine() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let noSpare = try CLIRunner.reconcile(["promote-spare", "--inventory", "inventory", "--group", "eu-outreach"], cwd: dir)
        #expect(noSpare.status == 1)
        #expect(noSpare.stdout == "")
        #expect(noSpare.stderr == "error: inventory/groups/eu-outreach.yaml:1:8: group eu-outreach has no spare ready to promote: no domain with role: spare\n")
        let elsewhere = try CLIRunner.reconcile(["promote-spare", "--inventory", "inventory", "--group", "us-outreach", "--replace", "acme-mail.de"], cwd: dir)
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.hasPrefix("error: inventory/groups/eu-outreach.yaml:7:11: acme-mail.de is in group eu-outreach, not in us-outreach"))
        let unknown = try CLIRunner.reconcile(["promote-spare", "--inventory", "inventory", "--group", "nope"], cwd: dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no group 'nope' in the inventory inventory; its groups: eu-outreach (inventory/groups/eu-outreach.yaml:1:8), us-outreach (inventory/groups/us-outreach.yaml:3:8)"),
                "\(unknown.stderr)")
        #expect(try String(contentsOfFile: dir + "/inventory/groups/us-outreach.yaml", encoding: .utf8)
                == String(contentsOfFile: CLIRunner.repositoryRoot + "/inventory/groups/us-outreach.yaml", encoding: .utf8))
    }
}
