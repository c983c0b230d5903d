import DNSRecords
import Foundation
import Providers
import Testing

/// `reconcile import` against a hand-seeded sandbox world: the example fleet
/// applied, then records and a mailbox added behind reconcile's back through
/// the providers' own APIs. Importing with an accounts-only inventory and
/// planning the result must show no change, with the odd records declared.
@Suite struct ImportCommandTests {
    @Test func importRoundTripsToZeroChanges() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge(), "the example fleet converges before it is imported")

            // Odd records, as a team adds them by hand: at the apex, at www, at a
            // nested subdomain, an MX at a subdomain (Porkbun); a TXT and a CNAME
            // at a whole-zone-write registrar (Namecheap).
            let porkbun = PorkbunProvider(client: f.porkbun)
            _ = try await porkbun.apply(RecordChangeSet(domain: "acme-mail.com", create: [
                DNSRecord(name: "acme-mail.com", type: .TXT, ttl: 3600, value: "google-site-verification=abc123"),
                DNSRecord(name: "app.eu.acme-mail.com", type: .A, ttl: 600, value: "203.0.113.10"),
                DNSRecord(name: "bounce.acme-mail.com", type: .MX, ttl: 3600, priority: 20, value: "mx.other-mail.net"),
                DNSRecord(name: "docs.acme-mail.com", type: .CNAME, ttl: 3600, value: "hosting.example.net"),
            ]))
            let namecheap = NamecheapProvider(client: f.namecheap)
            _ = try await namecheap.apply(RecordChangeSet(domain: "acme-outreach.net", create: [
                DNSRecord(name: "_acme-challenge.acme-outreach.net", type: .TXT, ttl: 1800, value: "token-xyz"),
                DNSRecord(name: "shop.acme-outreach.net", type: .CNAME, ttl: 3600, value: "shops.example.com"),
            ]))
            // A mailbox created at Zoho only (no Mailgun SMTP login).
            _ = try await f.zoho.addUser(ZohoNewUser(primaryEmailAddress: "intern@acme-mail.com", password: "Intern-passw0rd!",
                                                     displayName: "Ivy Intern"))

            // The accounts only: the `accounts:` block of the fixture's fleet file (its endpoints included).
            let fleet = try String(contentsOfFile: f.dir + "/inventory/fleet.yaml", encoding: .utf8)
            try FileManager.default.createDirectory(atPath: f.dir + "/accounts", withIntermediateDirectories: true)
            try Self.accountsBlock(fleet).write(toFile: f.dir + "/accounts/fleet.yaml", atomically: true, encoding: .utf8)

            let imported = try await CLIRunner.runAsync(
                CLIRunner.binary, ["import", "--from", "all", "--inventory", "accounts", "--out", "imported", "--no-rate-limits",
                                   "--progress", "never"], cwd: f.dir, environment: f.environment)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("6 domains"), "\(imported.stdout)")
            #expect(imported.stdout.contains("round trip checked: a plan of imported against what was read has 0 changes"),
                    "\(imported.stdout)\n\(imported.stderr)")
            // The estimate comes before the reads (here without limits: the test lifts them).
            let estimate = try #require(imported.stderr.range(of: "estimated time: no rate limits (lifted)"), "\(imported.stderr)")
            let reads = try #require(imported.stderr.range(of: "reading the mail platforms of 6 domains"), "\(imported.stderr)")
            #expect(estimate.lowerBound < reads.lowerBound)
            #expect(!imported.stderr.contains(EngineFixture.canary) && !imported.stdout.contains(EngineFixture.canary))

            let us = try String(contentsOfFile: f.dir + "/imported/groups/us.yaml", encoding: .utf8)
            let eu = try String(contentsOfFile: f.dir + "/imported/groups/eu.yaml", encoding: .utf8)
            let defaults = try String(contentsOfFile: f.dir + "/imported/imported.yaml", encoding: .utf8)
            #expect(us.contains("group: us\npool: mailgun-us"), "\(us)")
            for extra in [#"{ name: "@", type: TXT, value: "google-site-verification=abc123" }"#,
                          #"{ name: "app.eu", type: A, value: "203.0.113.10", ttl: 600 }"#,
                          #"{ name: "bounce", type: MX, value: "mx.other-mail.net", priority: 20 }"#,
                          #"{ name: "docs", type: CNAME, value: "hosting.example.net" }"#,
                          #"{ name: "_acme-challenge", type: TXT, value: "token-xyz", ttl: 1800 }"#,
                          #"{ name: "shop", type: CNAME, value: "shops.example.com" }"#] {
                #expect(us.contains(extra), "missing extra record \(extra) in:\n\(us)")
            }
            // The CAA record the example inventory declared is an extra record again.
            #expect(eu.contains(#"{ name: "@", type: CAA, value: "0 issue \"letsencrypt.org\"" }"#), "\(eu)")
            // Generated records stay implicit.
            #expect(!us.contains("_dmarc") && !us.contains("_domainkey") && !us.contains("zoho-verification"), "\(us)")
            // Mailboxes from both platforms; the Zoho-only one is a comment, not a mailbox.
            #expect(us.contains(#"- { local: "alice", display_name: "Alice Martin" }"#), "\(us)")
            #expect(us.contains("# Zoho mailbox intern@acme-mail.com has no Mailgun SMTP login at mailgun-us: not imported"), "\(us)")
            #expect(!us.contains(#"local: "intern""#))
            // Routing and defaults, with where they came from.
            #expect(eu.contains(#"inbound: { mode: mailgun-routing, forward_to: "replies@acme-ops.com" }"#), "\(eu)")
            #expect(defaults.contains(#"rua: ["mailto:dmarc@reports.acme-ops.com"]"#), "\(defaults)")
            #expect(defaults.contains(#"public_base_url: "https://hooks.acme-ops.com""#), "\(defaults)")
            #expect(defaults.contains("# the _dmarc TXT of 6 of 6 domains"), "\(defaults)")

            // The operator's check: a plan of the imported inventory (with the
            // state of the apply that built the fleet) changes nothing. `--refresh
            // full`: that state's cache predates the records added by hand.
            let plan = try await CLIRunner.runAsync(
                CLIRunner.binary, ["--plan", "--detailed-exitcode", "--inventory", "imported", "--refresh", "full", "--no-rate-limits",
                                   "--progress", "never"],
                cwd: f.dir, environment: f.environment)
            #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
            #expect(plan.stdout.contains("No changes. The fleet matches the inventory."), "\(plan.stdout)")
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    @Test func skipLeavesOddRecordsUnmanagedAndStillRoundTrips() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            _ = try await PorkbunProvider(client: f.porkbun).apply(RecordChangeSet(domain: "getacme.io", create: [
                DNSRecord(name: "status.getacme.io", type: .CNAME, ttl: 3600, value: "status.example.net"),
            ]))
            let fleet = try String(contentsOfFile: f.dir + "/inventory/fleet.yaml", encoding: .utf8)
            try FileManager.default.createDirectory(atPath: f.dir + "/accounts", withIntermediateDirectories: true)
            try Self.accountsBlock(fleet).write(toFile: f.dir + "/accounts/fleet.yaml", atomically: true, encoding: .utf8)
            let imported = try await CLIRunner.runAsync(
                CLIRunner.binary, ["import", "--from", "porkbun", "--inventory", "accounts", "--out", "imported",
                                   "--unmanaged-records", "skip", "--no-rate-limits", "--progress", "never"],
                cwd: f.dir, environment: f.environment)
            #expect(imported.status == 0, "\(imported.stderr)")
            // Porkbun's three domains only.
            #expect(imported.stdout.contains("3 domains"), "\(imported.stdout)")
            #expect(imported.stdout.contains("0 changes"), "\(imported.stdout)\n\(imported.stderr)")
            let us = try String(contentsOfFile: f.dir + "/imported/groups/us.yaml", encoding: .utf8)
            #expect(us.contains("# unmanaged, left as it is: status 3600 CNAME status.example.net"), "\(us)")
            #expect(!us.contains("extra_records"), "\(us)")
            #expect(!us.contains("acme-outreach.net"), "a Namecheap domain was imported with --from porkbun")
            // A fresh state, as a team adopting its fleet has: the plan still changes nothing.
            let plan = try await CLIRunner.runAsync(
                CLIRunner.binary, ["--plan", "--detailed-exitcode", "--inventory", "imported", "--state", "fresh/state.sqlite",
                                   "--no-rate-limits", "--progress", "never"], cwd: f.dir, environment: f.environment)
            #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    /// `--sandbox`, as an operator tries it: the world kept under
    /// `.reconcile/sandbox/`, the accounts bound to the in-process emulators.
    @Test func sandboxImportRoundTrips() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/inventory")
        let args = ["--sandbox", "--no-rate-limits", "--progress", "never"]
        var converged = false
        for _ in 0..<4 where !converged {
            _ = try await CLIRunner.runAsync(CLIRunner.binary, ["--apply", "--auto-approve"] + args, cwd: dir)
            converged = try await CLIRunner.runAsync(CLIRunner.binary, ["--plan", "--detailed-exitcode"] + args, cwd: dir).status == 0
        }
        #expect(converged)
        let fleet = try String(contentsOfFile: dir + "/inventory/fleet.yaml", encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/accounts", withIntermediateDirectories: true)
        try Self.accountsBlock(fleet).write(toFile: dir + "/accounts/fleet.yaml", atomically: true, encoding: .utf8)
        // At the real rate limits (the emulators enforce them too): the estimate names each account's budget.
        let imported = try await CLIRunner.runAsync(CLIRunner.binary, ["import", "--sandbox", "--inventory", "accounts", "--out", "imported",
                                                                       "--progress", "never"], cwd: dir)
        #expect(imported.status == 0, "\(imported.stdout)\n\(imported.stderr)")
        #expect(imported.stderr.contains("import:   porkbun: 6 requests at 1/s: about 6 s"), "\(imported.stderr)")
        #expect(imported.stderr.contains("import:   namecheap: 6 requests at 20/min, 700/h, 8000/day: about 0 s"), "\(imported.stderr)")
        #expect(imported.stderr.contains("import: estimated time: about "), "\(imported.stderr)")
        #expect(imported.stdout.contains("2 groups, 6 domains, 10 mailboxes, 1 extra records"), "\(imported.stdout)")
        let plan = try await CLIRunner.runAsync(CLIRunner.binary, ["--plan", "--detailed-exitcode", "--inventory", "imported"] + args,
                                                cwd: dir)
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        #expect(plan.stdout.contains("No changes. The fleet matches the inventory."), "\(plan.stdout)")
    }

    /// An input that has its own `defaults` and `monitoring` (here the whole
    /// example fleet file: web forwarding, warmup schedules, limits…) keeps
    /// them as written: nothing is inferred, and the result still round-trips.
    @Test func inputSettingsAreUsedAsWritten() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            try FileManager.default.createDirectory(atPath: f.dir + "/accounts", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: f.dir + "/inventory/fleet.yaml", toPath: f.dir + "/accounts/fleet.yaml")
            let imported = try await CLIRunner.runAsync(
                CLIRunner.binary, ["import", "--inventory", "accounts", "--out", "imported", "--no-rate-limits", "--progress", "never"],
                cwd: f.dir, environment: f.environment)
            #expect(imported.status == 0, "\(imported.stdout)\n\(imported.stderr)")
            #expect(imported.stdout.contains("0 changes"), "\(imported.stdout)")
            #expect(!FileManager.default.fileExists(atPath: f.dir + "/imported/imported.yaml"))
            #expect(try String(contentsOfFile: f.dir + "/imported/fleet.yaml", encoding: .utf8)
                    == String(contentsOfFile: f.dir + "/accounts/fleet.yaml", encoding: .utf8))
            #expect(!imported.stderr.contains("warning: imported.yaml"), "\(imported.stderr)")
            let plan = try await CLIRunner.runAsync(
                CLIRunner.binary, ["--plan", "--detailed-exitcode", "--inventory", "imported", "--no-rate-limits", "--progress", "never"],
                cwd: f.dir, environment: f.environment)
            #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)")
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    /// The inventory has one DMARC policy for the fleet: a domain with its own
    /// cannot round-trip. Import still writes, says what the first plan will
    /// change (on stdout and under the domain), and exits 2.
    @Test func whatCannotRoundTripIsReportedWithExitTwo() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            let dmarc = "v=DMARC1; p=reject"
            let provider = PorkbunProvider(client: f.porkbun)
            let zone = try await provider.zone("getacme.io")
            let old = try #require(zone.records.first { $0.name == "_dmarc.getacme.io" && $0.type == .TXT })
            var new = old
            new.value = dmarc
            _ = try await provider.apply(RecordChangeSet(domain: "getacme.io", update: [.init(from: old, to: new)]))
            let fleet = try String(contentsOfFile: f.dir + "/inventory/fleet.yaml", encoding: .utf8)
            try FileManager.default.createDirectory(atPath: f.dir + "/accounts", withIntermediateDirectories: true)
            try Self.accountsBlock(fleet).write(toFile: f.dir + "/accounts/fleet.yaml", atomically: true, encoding: .utf8)
            let imported = try await CLIRunner.runAsync(
                CLIRunner.binary, ["import", "--inventory", "accounts", "--out", "imported", "--no-rate-limits", "--progress", "never"],
                cwd: f.dir, environment: f.environment)
            #expect(imported.status == 2, "\(imported.stdout)\n\(imported.stderr)")
            #expect(imported.stdout.contains("a plan of imported would still make 1 change (noted in the files):"), "\(imported.stdout)")
            #expect(imported.stdout.contains("getacme.io: update getacme.io/dnsRecord/_dmarc TXT v=DMARC1; p=reject"), "\(imported.stdout)")
            let us = try String(contentsOfFile: f.dir + "/imported/groups/us.yaml", encoding: .utf8)
            #expect(us.contains("# the first plan will still update getacme.io/dnsRecord/_dmarc TXT v=DMARC1; p=reject"), "\(us)")
            // The fleet's policy is the one most domains have.
            let defaults = try String(contentsOfFile: f.dir + "/imported/imported.yaml", encoding: .utf8)
            #expect(defaults.contains("# the _dmarc TXT of 5 of 6 domains"), "\(defaults)")
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    @Test func badAccountsOnlyInventoryIsRefusedClearly() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        func run(_ inventory: String) throws -> CLIRunner.Output {
            try CLIRunner.reconcile(["import", "--inventory", inventory, "--out", dir + "/out-" + inventory, "--progress", "never"], cwd: dir)
        }

        // A group file: import writes the groups itself.
        try fm.copyItem(atPath: CLIRunner.repositoryRoot + "/inventory", toPath: dir + "/full")
        let full = try run("full")
        #expect(full.status == 1)
        #expect(full.stderr.contains("full/groups/eu-outreach.yaml:1:8: group 'eu-outreach': import reads an inventory of accounts only"),
                "\(full.stderr)")

        // No Mailgun account: nothing to propose groups from.
        try fm.createDirectory(atPath: dir + "/nomailgun", withIntermediateDirectories: true)
        try "accounts:\n  porkbun:\n    api_key: env:PK\n    secret_key: env:SK\n"
            .write(toFile: dir + "/nomailgun/fleet.yaml", atomically: true, encoding: .utf8)
        let noMailgun = try run("nomailgun")
        #expect(noMailgun.status == 1)
        #expect(noMailgun.stderr.contains("nomailgun/fleet.yaml:2:3: accounts: import needs a mailgun account"), "\(noMailgun.stderr)")

        // A broken account is the loader's located error, before any request.
        try fm.createDirectory(atPath: dir + "/badip", withIntermediateDirectories: true)
        try "accounts:\n  namecheap:\n    api_user: ops\n    api_key: env:NK\n    client_ip: not-an-ip\n  mailgun-us: { kind: mailgun, region: us, api_key: env:MK }\n"
            .write(toFile: dir + "/badip/fleet.yaml", atomically: true, encoding: .utf8)
        let badIP = try run("badip")
        #expect(badIP.status == 1)
        #expect(badIP.stderr.contains("badip/fleet.yaml:5:16: accounts.namecheap.client_ip: 'not-an-ip' is not an IPv4 address"), "\(badIP.stderr)")

        // A secret the environment does not hold: named with where it is written, never a value.
        try fm.createDirectory(atPath: dir + "/nosecret", withIntermediateDirectories: true)
        try "accounts:\n  porkbun: { api_key: env:IMPORT_TEST_PK, secret_key: env:IMPORT_TEST_SK }\n  mailgun-us: { kind: mailgun, region: us, api_key: env:IMPORT_TEST_MK }\n"
            .write(toFile: dir + "/nosecret/fleet.yaml", atomically: true, encoding: .utf8)
        let noSecret = try run("nosecret")
        #expect(noSecret.status == 1)
        #expect(noSecret.stderr.contains("accounts.porkbun.api_key: env:IMPORT_TEST_PK is not set in the environment"), "\(noSecret.stderr)")
        for d in ["full", "nomailgun", "badip", "nosecret"] { #expect(!fm.fileExists(atPath: dir + "/out-" + d)) }
    }

    /// The `accounts:` section of a fleet file: from its key to the next top-level key.
    static func accountsBlock(_ fleet: String) -> String {
        var out: [Substring] = []
        var inside = false
        for line in fleet.split(separator: "\n", omittingEmptySubsequences: false) {
            if let c = line.first, !c.isWhitespace, c != "#" { inside = line.hasPrefix("accounts:") }
            if inside { out.append(line) }
        }
        return out.joined(separator: "\n") + "\n"
    }
}
