import Foundation
import Providers
import Reconciler
import Store
import Testing

/// `reconcile --plan/--apply/drift` as subprocesses against emulators on
/// loopback: the whole engine, the way CI and an operator run it.
@Suite(.serialized) struct EngineCommandTests {
    @Test func sandboxQuickStartPlansAppliesAndConverges() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let plan = try CLIRunner.reconcile(["--plan", "--detailed-exitcode"] + args, cwd: dir)
        #expect(plan.status == 2, "\(plan.stderr)")
        #expect(plan.stdout.contains("acme-mail.com") && plan.stdout.contains("+ TXT _dmarc"))
        #expect(plan.stdout.contains("Plan: "))
        let apply = try CLIRunner.reconcile(["--apply", "--auto-approve"] + args, cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stdout.contains("Apply complete"))
        #expect(FileManager.default.fileExists(atPath: dir + "/.reconcile/sandbox/world.json"))
        let again = try CLIRunner.reconcile(["--plan", "--detailed-exitcode"] + args, cwd: dir)
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("No changes."))
    }

    @Test func fiftyDomainExampleFleetConvergesInTheSandbox() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try await CLIRunner.runAsync(CLIRunner.binary, ["example-fleet", "--domains", "50", "--out", "inventory"], cwd: dir).status == 0)
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        let apply = try await CLIRunner.runAsync(CLIRunner.binary, ["--apply", "--auto-approve"] + args, cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout.suffix(2000))\n\(apply.stderr.suffix(2000))")
        #expect(apply.stdout.contains("Apply complete"))
        let plan = try await CLIRunner.runAsync(CLIRunner.binary, ["--plan", "--detailed-exitcode", "--refresh", "full"] + args, cwd: dir)
        #expect(plan.status == 0, "\(plan.stdout.suffix(2000))")
        #expect(plan.stdout.contains("No changes."))
        // A second sandbox run reads the saved world back: still converged.
        let drift = try await CLIRunner.runAsync(CLIRunner.binary, ["drift"] + args, cwd: dir)
        #expect(drift.status == 0, "\(drift.stdout)\n\(drift.stderr)")
    }

    @Test func driftNamesARecordChangedBehindOurBackAndApplyRepairsIt() async throws {
        let f = try await EngineFixture.start()
        do {
            let apply = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(try await f.converge())
            #expect(try await f.reconcile(["drift"]).status == 0)

            let rows = try await f.porkbun.retrieve("acme-mail.com")
            let dmarc = try #require(rows.first { $0.name == "_dmarc.acme-mail.com" && $0.type == "TXT" })
            try await f.porkbun.edit("acme-mail.com", id: dmarc.id.value!, PorkbunRecordInput(
                name: "_dmarc", type: "TXT", content: "v=DMARC1; p=reject", ttl: 3600))
            let drift = try await f.reconcile(["drift"])
            #expect(drift.status == 2, "\(drift.stdout)\n\(drift.stderr)")
            #expect(drift.stdout.contains("acme-mail.com"))
            #expect(drift.stdout.contains("_dmarc"))
            // The Markdown report (the nightly job's tracking issue) is headed as drift, not as a plan.
            let md = try await f.reconcile(["drift", "--format", "markdown"])
            #expect(md.status == 2)
            #expect(md.stdout.hasPrefix("## reconcile drift\n\n**0 to create, 1 to update"), "\(md.stdout)")

            #expect(try await f.reconcile(["--apply", "--auto-approve"]).status == 0)
            #expect(try await f.converge())
            #expect(try await f.reconcile(["drift"]).status == 0)
            let repaired = try await f.porkbun.retrieve("acme-mail.com").first { $0.name == "_dmarc.acme-mail.com" }
            #expect(repaired?.content.hasPrefix("v=DMARC1; p=none") == true)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func unmanagedRecordsSurviveOnBothRegistrars() async throws {
        let f = try await EngineFixture.start()
        do {
            _ = try await f.porkbun.create("acme-mail.com", PorkbunRecordInput(name: "keep", type: "TXT", content: "site-verification=porkbun-keep", ttl: 600))
            var hosts = try await f.namecheap.getHosts("acme-outreach.net").hosts
            hosts.append(NamecheapWire.Host(name: "keep", type: "TXT", address: "site-verification=namecheap-keep"))
            try await f.namecheap.setHosts("acme-outreach.net", hosts: hosts, emailType: nil)

            let plan = try await f.reconcile(["--plan"])
            #expect(plan.stdout.contains("unmanaged, kept"))
            #expect(plan.stdout.contains("site-verification=porkbun-keep"))
            #expect(plan.stdout.contains("site-verification=namecheap-keep"))
            let apply = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")

            #expect(try await f.porkbun.retrieve("acme-mail.com").contains { $0.content == "site-verification=porkbun-keep" })
            #expect(try await f.namecheap.getHosts("acme-outreach.net").hosts.contains { $0.address == "site-verification=namecheap-keep" })
            #expect(try await f.converge())
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func aStalePlanFileIsRefusedAndAFreshOneApplies() async throws {
        let f = try await EngineFixture.start()
        do {
            let saved = try await f.reconcile(["--plan", "--out", "plans/first.json"])
            #expect(saved.status == 0, "\(saved.stderr)")
            _ = try await f.porkbun.create("acme-mail.com", PorkbunRecordInput(name: "late", type: "TXT", content: "added-after-the-plan", ttl: 600))
            let stale = try await f.reconcile(["--apply", "plans/first.json"])
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("stale"))
            #expect(stale.stderr.contains("acme-mail.com/zone"))

            #expect(try await f.reconcile(["--plan", "--out", "plans/second.json"]).status == 0)
            try f.edit("groups/eu-outreach.yaml") { $0.replacingOccurrences(of: "hourly: 200", with: "hourly: 199") }
            let edited = try await f.reconcile(["--apply", "plans/second.json"])
            #expect(edited.status == 1)
            #expect(edited.stderr.contains("the inventory changed since the plan was made"))

            #expect(try await f.reconcile(["--plan", "--out", "plans/third.json"]).status == 0)
            let applied = try await f.reconcile(["--apply", "plans/third.json"])
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(try await f.porkbun.retrieve("acme-mail.com").contains { $0.content == "added-after-the-plan" })
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func massRewriteIsRefusedUnlessDestructionIsAllowed() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.reconcile(["--apply", "--auto-approve"]).status == 0)
            #expect(try await f.converge())
            try f.edit("fleet.yaml") { $0.replacingOccurrences(of: "  ttl: 3600 ", with: "  ttl: 7200 ") }
            let refused = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("refusing a destructive plan"), "\(refused.stdout)\n\(refused.stderr)")
            #expect(try await f.reconcile(["--plan", "--detailed-exitcode"]).status == 2)
            let allowed = try await f.reconcile(["--apply", "--auto-approve", "--allow-destructive"])
            #expect(allowed.status == 0, "\(allowed.stdout)\n\(allowed.stderr)")
            #expect(try await f.converge(["--allow-destructive"]))
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func aSecondApplyIsBlockedByTheLock() async throws {
        let f = try await EngineFixture.start()
        do {
            let store = try StateStore(path: f.dir + "/.reconcile/state.sqlite")
            let lock = ApplyLock(store)
            let held = try await lock.acquire(LockOwner(holder: "reconcile apply", pid: getpid(), host: ProcessInfo.processInfo.hostName), timeout: 0)
            let blocked = try await f.reconcile(["--apply", "--auto-approve", "--lock-timeout", "1s"])
            #expect(blocked.status == 1)
            #expect(blocked.stderr.contains("\(getpid())"), "\(blocked.stderr)")
            try lock.release(held)
            #expect(try await f.reconcile(["--apply", "--auto-approve", "--lock-timeout", "1s"]).status == 0)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func planWithoutChangesAndScopes() async throws {
        let f = try await EngineFixture.start()
        do {
            let scoped = try await f.reconcile(["--plan", "--domain", "acme-mail.com"])
            #expect(scoped.stdout.contains("acme-mail.com"))
            #expect(!scoped.stdout.contains("try-acme.eu"))
            #expect(scoped.stdout.contains("Not read (outside this plan's scope"))
            let group = try await f.reconcile(["--plan", "--group", "eu-outreach", "--format", "json"])
            let plan = try JSONDecoder().decode(Plan.self, from: Data(group.stdout.utf8))
            #expect(Set(plan.actions.map(\.address.domain)) == ["acme-mail.de", "acmehq.eu", "try-acme.eu"])
            let unknown = try await f.reconcile(["--plan", "--domain", "nope.example"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("--domain nope.example: not a domain of the inventory"))
            let noTTY = try await f.reconcile(["--apply"])
            #expect(noTTY.status == 1)
            #expect(noTTY.stderr.contains("--auto-approve"))
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func changedSincePlansOnlyTheDomainsWhoseInventoryChanged() async throws {
        let f = try await EngineFixture.start()
        do {
            func git(_ args: [String]) throws {
                let r = try CLIRunner.run("/usr/bin/env", ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"] + args, cwd: f.dir)
                #expect(r.status == 0, "git \(args): \(r.stderr)")
            }
            try git(["init", "-q"])
            try git(["add", "inventory"])
            try git(["commit", "-qm", "base"])
            try f.edit("groups/eu-outreach.yaml") { $0.replacingOccurrences(of: "mailboxes: [lena]", with: "mailboxes: [lena, nils]") }
            let plan = try await f.reconcile(["--plan", "--changed-since", "HEAD", "--format", "json"])
            #expect(plan.status == 0, "\(plan.stderr)")
            let p = try JSONDecoder().decode(Plan.self, from: Data(plan.stdout.utf8))
            #expect(Set(p.actions.map(\.address.domain)) == ["acmehq.eu"])
            #expect(Set(p.domains.filter(\.notRead).map(\.domain)) == ["acme-mail.com", "acme-mail.de", "acme-outreach.net", "getacme.io", "try-acme.eu"])
            #expect(plan.stderr.contains("--changed-since HEAD"))
            #expect(plan.stderr.contains("1 of 6 domains changed"))
            let bad = try await f.reconcile(["--plan", "--changed-since", "no-such-ref"])
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("no-such-ref"))
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func aDomainItsAccountDoesNotHoldIsBlockedAndNeverBought() async throws {
        let f = try await EngineFixture.start()
        do {
            // Added to the inventory after the world was seeded: nobody registered it.
            try f.edit("groups/us-outreach.yaml") { $0 + """

                  - name: not-bought-yet.com
                    registrar: porkbun
                    mailboxes: [zed]

                """ }
            let plan = try await f.reconcile(["--plan", "--progress", "always"])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("not-bought-yet.com\n  blocked: not in account porkbun: register it first"), "\(plan.stdout)")
            #expect(plan.stderr.contains("observed 6/6 domains"), "\(plan.stderr)")
            let apply = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("not-bought-yet.com: blocked: not in account porkbun: register it first"))
            // Everything else converged all the same.
            let again = try await f.reconcile(["--plan", "--detailed-exitcode"])
            #expect(again.status == 0, "\(again.stdout)")
            let held = try await f.porkbun.listAllDomains().map(\.domain)
            #expect(!held.contains("not-bought-yet.com"))
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
