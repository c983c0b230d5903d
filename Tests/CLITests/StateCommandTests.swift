import Foundation
import Store
import Testing
import TestSupport

/// `reconcile state show|migrate` and the choice of the state (`--state`,
/// `RECONCILE_STATE`, the inventory's `state:`), through the real binary,
/// against a file and the private PostgreSQL test cluster.
@Suite(.serialized) struct StateCommandTests {
    static func run(_ args: [String], cwd: String, environment: [String: String] = [:]) async throws -> CLIRunner.Output {
        var env = ProcessInfo.processInfo.environment
        env["RECONCILE_STATE"] = nil
        env.merge(environment) { $1 }
        return try await CLIRunner.runAsync(CLIRunner.binary, args, cwd: cwd, environment: env)
    }

    /// A sandbox state with rows in the reconcile and sending tables: a
    /// converged fleet (one domain's DMARC then removed, so serve holds it),
    /// a campaign enqueued, one address suppressed, part of it sent by
    /// `serve --sandbox --send` before serve is stopped.
    static func halfSentSandbox() async throws -> String {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let fleet = dir + "/inventory/fleet.yaml"
        // No sending window, a send a second: the loop in seconds.
        let text = try String(contentsOfFile: fleet, encoding: .utf8).components(separatedBy: "\n").filter { line in
            !["window:", "hours: \"09:00-17:00\"", "days: [mon, tue", "timezone: America/New_York", "recipient_local: true"]
                .contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
        }.joined(separator: "\n")
            .replacingOccurrences(of: "interval: 30s-60s", with: "interval: 1s")
            .replacingOccurrences(of: "pause: 30s-45s", with: "pause: 1s")
        try text.write(toFile: fleet, atomically: true, encoding: .utf8)
        let apply = try await run(["--apply", "--auto-approve", "--sandbox", "--no-rate-limits", "--progress", "never"], cwd: dir)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        try CheckCommandTests.removeDMARC(of: "acme-mail.com", inSandboxAt: dir)

        FileManager.default.createFile(atPath: dir + "/campaign.yaml", contents: Data("""
            campaign: intro
            steps:
              - subject: "Hello {{first_name}}"
                text: "Hi {{first_name}}"
              - subject: "Again, {{first_name}}"
                text: "Hi again"
                delay: 3d
            """.utf8))
        let names = (0..<40).map { "person\($0)" }
        FileManager.default.createFile(atPath: dir + "/recipients.csv",
                                       contents: Data(("email,first_name\n" + names.map { "\($0)@example.net,\($0)\n" }.joined()).utf8))
        let state = ".reconcile/sandbox/state.sqlite"
        let enq = try await run(["enqueue", "--campaign", "campaign.yaml", "--recipients", "recipients.csv", "--group", "us-outreach",
                                 "--state", state], cwd: dir)
        #expect(enq.status == 0, "\(enq.stderr)")
        let sup = try await run(["suppress", "person39@example.net", "--reason", "asked by phone", "--state", state], cwd: dir)
        #expect(sup.status == 0, "\(sup.stderr)")
        let enable = try await run(["enable-mailbox", "alice@acme-mail.com", "--reason", "checked by hand", "--state", state], cwd: dir)
        #expect(enable.status == 0, "\(enable.stderr)")

        let serve = try ServeProcess(["--sandbox", "--send", "--listen", "127.0.0.1:0"], cwd: dir,
                                     environment: ProcessInfo.processInfo.environment.filter { $0.key != "RECONCILE_STATE" })
        do {
            try await serve.listening()
            let store = SQLiteSendingStore(try StateStore(path: dir + "/" + state))
            let deadline = Date().addingTimeInterval(90)
            while Date() < deadline, try store.messages(state: .accepted).count < 3 {
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            #expect(try store.messages(state: .accepted).count >= 3, "\(serve.stderr)")
            #expect(await serve.terminate() == 0, "\(serve.stderr)")
        } catch {
            await serve.stop()
            throw error
        }
        await serve.stop()
        return dir
    }

    /// `{"table": rows}` of `state show --format json`.
    static func counts(_ output: String) throws -> [String: Int] {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let tables = try #require(json["tables"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: tables.map { ($0["table"] as! String, $0["rows"] as! Int) })
    }

    /// `table  N rows  sha256 X` lines of `state migrate`.
    static func digests(_ output: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: output.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 5, parts[3] == "sha256" else { return nil }
            return (String(parts[0]), parts[1] + " " + parts[4])
        })
    }

    @Test func migrateRoundTripFileToPostgresToFileKeepsEveryRowPlanAndStatus() async throws {
        let dir = try await Self.halfSentSandbox()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ".reconcile/sandbox/state.sqlite", back = "copy/state.sqlite"
        let url = try PostgresServer.freshDatabase().redacted

        let shown = try await Self.run(["state", "show", "--state", source, "--format", "json"], cwd: dir)
        #expect(shown.status == 0, "\(shown.stderr)")
        let before = try Self.counts(shown.stdout)
        let empty = before.filter { $0.value == 0 }.map(\.key).sorted()
        for table in ["reconcile_observation", "reconcile_ownership", "reconcile_run", "reconcile_journal", "sending_campaign",
                      "sending_enrollment", "sending_message", "sending_reservation", "sending_suppression", "sending_event",
                      "sending_domain_hold", "sending_feedback", "sending_webhook_token", "sending_mailbox_health", "watch_dns_verdict",
                      "alert_condition", "alert_queue"] {
            #expect((before[table] ?? 0) > 0, "\(table) is empty (empty: \(empty))")
        }

        let there = try await Self.run(["state", "migrate", "--from", source, "--to", url], cwd: dir)
        #expect(there.status == 0, "\(there.stdout)\n\(there.stderr)")
        #expect(there.stdout.contains("verified"))
        let backAgain = try await Self.run(["state", "migrate", "--from", url, "--to", back], cwd: dir)
        #expect(backAgain.status == 0, "\(backAgain.stdout)\n\(backAgain.stderr)")
        // The same rows and digests in both directions, for every copied table.
        let d1 = Self.digests(there.stdout), d2 = Self.digests(backAgain.stdout)
        #expect(!d1.isEmpty && d1 == d2, "\(there.stdout)\n\(backAgain.stdout)")
        #expect(d1["reconcile_lock"] == nil)
        for (table, rows) in before where table != "reconcile_lock" {
            #expect(d1[table]?.hasPrefix("\(rows) ") == true, "\(table): \(rows) rows before, \(d1[table] ?? "missing")")
        }
        // PostgreSQL counts what the file held.
        let pgShown = try await Self.run(["state", "show", "--state", url, "--format", "json"], cwd: dir)
        #expect(pgShown.status == 0, "\(pgShown.stderr)")
        if pgShown.status == 0 {
            #expect(try Self.counts(pgShown.stdout).filter { $0.key != "reconcile_lock" } == before.filter { $0.key != "reconcile_lock" })
        }

        // A second copy onto a state with rows is refused, naming it, unless --force.
        let again = try await Self.run(["state", "migrate", "--from", source, "--to", url], cwd: dir)
        #expect(again.status == 1)
        #expect(again.stderr.contains("the target state \(url) is not empty") && again.stderr.contains("--force"), "\(again.stderr)")
        let forced = try await Self.run(["state", "migrate", "--from", back, "--to", url, "--force"], cwd: dir)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(Self.digests(forced.stdout) == d1, "\(forced.stdout)")
        #expect(forced.stdout.contains("replacing "))

        // What the operator sees is the same from the original and the round-tripped copy.
        let status1 = try await Self.run(["status", "--inventory", "inventory", "--state", source], cwd: dir)
        let status2 = try await Self.run(["status", "--inventory", "inventory", "--state", back], cwd: dir)
        #expect(status1.status == 0 && status1.stdout == status2.stdout, "\(status1.stdout)\n---\n\(status2.stdout)\n\(status2.stderr)")
        #expect(status1.stdout.contains("acme-mail.com"))
        // From the observation cache alone, then re-reading the world (whose DMARC record was removed).
        for refresh in ["none", "full"] {
            let plan = ["--plan", "--sandbox", "--no-rate-limits", "--progress", "never", "--refresh", refresh]
            let plan1 = try await Self.run(plan + ["--state", source], cwd: dir)
            let plan2 = try await Self.run(plan + ["--state", back], cwd: dir)
            #expect(plan1.stdout == plan2.stdout && plan1.status == plan2.status, "\(plan1.stdout)\n---\n\(plan2.stdout)\n\(plan2.stderr)")
            #expect(plan1.status == 0, "\(plan1.stderr)")
            if refresh == "full" { #expect(plan1.stdout.contains("_dmarc"), "\(plan1.stdout)") }
        }

    }

    /// The plan and status read from PostgreSQL equal those read from the
    /// file it was copied from (needs the PostgreSQL reconcile and sending stores).
    @Test func planAndStatusFromTheMigratedDatabaseMatchTheFile() async throws {
        let dir = try await Self.halfSentSandbox()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = ".reconcile/sandbox/state.sqlite"
        let url = try PostgresServer.freshDatabase().redacted
        #expect(try await Self.run(["state", "migrate", "--from", source, "--to", url], cwd: dir).status == 0)
        let status1 = try await Self.run(["status", "--inventory", "inventory", "--state", source], cwd: dir)
        let status2 = try await Self.run(["status", "--inventory", "inventory", "--state", url], cwd: dir)
        #expect(status1.stdout == status2.stdout, "\(status1.stdout)\n---\n\(status2.stdout)\n\(status2.stderr)")
        let plan = ["--plan", "--sandbox", "--no-rate-limits", "--progress", "never", "--refresh", "none"]
        let plan1 = try await Self.run(plan + ["--state", source], cwd: dir)
        let plan2 = try await Self.run(plan + ["--state", url], cwd: dir)
        #expect(plan1.stdout == plan2.stdout, "\(plan1.stdout)\n---\n\(plan2.stdout)\n\(plan2.stderr)")
    }

    @Test func showSummarisesAFileWithItsLockHolder() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(path: dir + "/state.sqlite")
        let lock = ApplyLock(store)
        guard case .acquired = try lock.tryAcquire(LockOwner(holder: "ci-merge-42", pid: 4242, host: "runner-7")) else {
            Issue.record("the lock was not acquired"); return
        }
        let r = try await Self.run(["state", "show", "--state", "state.sqlite"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("State: state.sqlite (sqlite)\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  reconcile: reconcile.4-lock\n"))
        #expect(r.stdout.contains("  sending: sending."))
        #expect(r.stdout.contains("Apply lock: held by ci-merge-42 (pid 4242 on runner-7, since "))
        let j = try await Self.run(["state", "show", "--state", "state.sqlite", "--format", "json"], cwd: dir)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(json["backend"] as? String == "sqlite")
        #expect((json["lock"] as? [String: Any])?["host"] as? String == "runner-7")
        #expect(try Self.counts(j.stdout)["reconcile_lock"] == 1)
        // A missing file is named, never created.
        let missing = try await Self.run(["state", "show", "--state", "none.sqlite"], cwd: dir)
        #expect(missing.status == 1 && missing.stderr.contains("no state at none.sqlite"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/none.sqlite"))
    }

    @Test func showSummarisesADatabaseWithoutItsQuery() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let url = try PostgresServer.freshDatabase()
        let r = try await Self.run(["state", "show", "--state", url.redacted + "?sslmode=disable&application_name=secret-app"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("State: \(url.redacted) (postgresql)\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  reconcile: reconcile.4-lock\n"))
        #expect(r.stdout.contains("Apply lock: free"))
        #expect(!r.stdout.contains("secret-app") && !r.stderr.contains("secret-app"))
    }

    @Test func theEnvironmentAndTheInventoryChooseTheState() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        _ = try StateStore(path: dir + "/from-env.sqlite")
        _ = try StateStore(path: dir + "/from-inventory.sqlite")
        let fleet = dir + "/inventory/fleet.yaml"
        try ("state: from-inventory.sqlite\n" + (try String(contentsOfFile: fleet, encoding: .utf8))).write(toFile: fleet, atomically: true, encoding: .utf8)

        let byInventory = try await Self.run(["state", "show"], cwd: dir)
        #expect(byInventory.stdout.hasPrefix("State: from-inventory.sqlite (sqlite)"), "\(byInventory.stdout)\(byInventory.stderr)")
        let byEnvironment = try await Self.run(["state", "show"], cwd: dir, environment: ["RECONCILE_STATE": "from-env.sqlite"])
        #expect(byEnvironment.stdout.hasPrefix("State: from-env.sqlite (sqlite)"), "\(byEnvironment.stdout)\(byEnvironment.stderr)")
        let byOption = try await Self.run(["state", "show", "--state", "from-env.sqlite"], cwd: dir,
                                          environment: ["RECONCILE_STATE": "elsewhere.sqlite"])
        #expect(byOption.stdout.hasPrefix("State: from-env.sqlite (sqlite)"))

        // A sending command follows the inventory's key too: enqueue writes there.
        let url = try PostgresServer.freshDatabase().redacted
        let viaEnv = try await Self.run(["state", "show"], cwd: dir, environment: ["RECONCILE_STATE": url])
        #expect(viaEnv.stdout.hasPrefix("State: \(url) (postgresql)"), "\(viaEnv.stdout)\(viaEnv.stderr)")
        FileManager.default.createFile(atPath: dir + "/campaign.yaml", contents: Data("campaign: c1\nsteps:\n  - subject: Hi\n    text: Hi\n".utf8))
        FileManager.default.createFile(atPath: dir + "/r.csv", contents: Data("email\na@example.net\n".utf8))
        let enq = try await Self.run(["enqueue", "--campaign", "campaign.yaml", "--recipients", "r.csv", "--group", "us-outreach"], cwd: dir)
        #expect(enq.status == 0, "\(enq.stderr)")
        let shown = try await Self.run(["state", "show", "--format", "json"], cwd: dir)
        #expect(try Self.counts(shown.stdout)["sending_message"] == 1, "\(shown.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.reconcile/state.sqlite"))
    }

    @Test func aPasswordInTheURLIsRefusedAndNeverPrinted() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let secret = "hunter2-\(UUID().uuidString.prefix(6))"
        let fleet = dir + "/inventory/fleet.yaml"
        let original = try String(contentsOfFile: fleet, encoding: .utf8)
        try ("state: postgres://reconcile:\(secret)@db.internal:5432/reconcile\n" + original).write(toFile: fleet, atomically: true, encoding: .utf8)
        for args in [["state", "show"], ["validate"], ["--plan", "--sandbox", "--no-rate-limits"]] {
            let r = try await Self.run(args, cwd: dir)
            #expect(r.status == 1, "\(args): \(r.stdout)\(r.stderr)")
            #expect(r.stderr.contains("fleet.yaml:1:8: state: a password does not belong in the inventory: put it in PGPASSWORD or ~/.pgpass"),
                    "\(args): \(r.stderr)")
            #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret))
        }
        try ("state: [a, b]\n" + original).write(toFile: fleet, atomically: true, encoding: .utf8)
        let notString = try await Self.run(["state", "show"], cwd: dir)
        #expect(notString.stderr.contains("fleet.yaml:1:8: state: expected a string"), "\(notString.stderr)")

        try original.write(toFile: fleet, atomically: true, encoding: .utf8)
        for args in [["state", "show", "--state", "postgres://reconcile:\(secret)@127.0.0.1:1/x"],
                     ["status", "--state", "postgresql://reconcile@127.0.0.1:1/x?password=\(secret)"],
                     ["state", "migrate", "--from", "a.sqlite", "--to", "postgres://u:\(secret)@h/db"]] {
            let r = try await Self.run(args, cwd: dir, environment: [:])
            #expect(r.status != 0)
            #expect(r.stderr.contains("PGPASSWORD or ~/.pgpass"), "\(args): \(r.stderr)")
            #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "\(r.stderr)")
        }
        let env = try await Self.run(["state", "show"], cwd: dir, environment: ["RECONCILE_STATE": "postgres://u:\(secret)@h/db"])
        #expect(env.status == 1 && !env.stderr.contains(secret) && env.stderr.contains("PGPASSWORD"), "\(env.stderr)")
    }
}
