import DNSRecords
import Foundation
import TestSupport
import Providers
import Sandbox
import Store
import Testing

/// `reconcile --apply` killed with SIGKILL at random points: each time the
/// next run finishes the job, the fleet converges, and no record exists
/// twice at either registrar (the emulators outlive the killed process).
@Suite(.serialized) struct CrashApplyTests {
    static let kills = 32

    @Test func applyKilledAtRandomPointsAlwaysConvergesWithoutDuplicates() async throws {
        // Every answer 30 ms late, as over a real network: an apply spends its
        // time in provider calls, so random kill times land inside them.
        let f = try await EngineFixture.start(faults: FaultProfile(slow: 1, slowSeconds: 0.03))
        do {
            var rng = SystemRandomNumberGenerator()
            var unknown = 0, partial = 0
            // The bootstrap itself may see a timeout on a loaded machine (an unknown
            // outcome, re-read next run): converge first; the kills are the subject.
            #expect(try await f.converge(), "the bootstrap did not converge")
            // One round's apply, timed: the kills land inside that span.
            try change(f, round: -1)
            let start = Date()
            #expect(try await f.reconcile(["--apply", "--auto-approve", "--allow-destructive"]).status == 0)
            let span = Date().timeIntervalSince(start)
            for round in 0..<Self.kills {
                try change(f, round: round)
                let before = try await snapshot(f)
                try await killedApply(f, within: min(span, 0.25), using: &rng)
                if try await unknownOutcomes(f) > 0 { unknown += 1 }
                // Killed with some changes made and others not.
                let after = try await snapshot(f)
                if after != before, try await f.reconcile(["--plan", "--detailed-exitcode"]).status == 2 { partial += 1 }

                let next = try await f.reconcile(["--apply", "--auto-approve", "--allow-destructive"])
                #expect(next.status == 0, "round \(round): \(next.stdout)\n\(next.stderr)")
                let plan = try await f.reconcile(["--plan", "--detailed-exitcode"])
                #expect(plan.status == 0, "round \(round) did not converge:\n\(plan.stdout)")
                #expect(try await unknownOutcomes(f) == 0, "round \(round): the next apply left unknown outcomes")
                try await expectNoDuplicates(f, round: round)
            }
            // Most kills must land mid-apply, or the test proves little.
            #expect(unknown + partial >= Self.kills / 3, "only \(unknown) unknown outcomes and \(partial) partial applies in \(Self.kills) kills")
            print("crash test: \(Self.kills) kills over a \(String(format: "%.2f", span)) s apply: \(partial) left the fleet half-changed, \(unknown) left actions with an unknown outcome")
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// Changes the inventory so that an apply has work on every domain: a
    /// DMARC policy flip and an extra record whose value changes each round.
    func change(_ f: EngineFixture, round: Int) throws {
        try f.edit("fleet.yaml") { text in
            let flip = round % 2 == 0
            return text.replacingOccurrences(of: flip ? "policy: none " : "policy: quarantine ",
                                             with: flip ? "policy: quarantine " : "policy: none ")
        }
        try f.edit("groups/eu-outreach.yaml") { text in
            var lines = text.components(separatedBy: "\n").filter { !$0.contains("crash-round") }
            let i = lines.firstIndex { $0.contains("extra_records:") }! + 1
            lines.insert("      - { name: crash-round, type: TXT, value: \"round \(round)\" }", at: i)
            // A mailbox that comes and goes on the Mailgun-routed domain: its SMTP
            // credential and its route (Mailgun route creates are not idempotent).
            return lines.joined(separator: "\n")
                .replacingOccurrences(of: round % 2 == 0 ? "mailboxes: [lena]" : "mailboxes: [lena, nils]",
                                      with: round % 2 == 0 ? "mailboxes: [lena, nils]" : "mailboxes: [lena]")
        }
    }

    /// Every record at both registrars, to tell whether a killed apply changed anything.
    func snapshot(_ f: EngineFixture) async throws -> [String] {
        var all: [String] = []
        for domain in Self.porkbunDomains {
            all += try await f.porkbun.retrieve(domain).map { "\($0.name) \($0.type) \($0.prio?.value ?? "") \($0.content)" }
        }
        for domain in Self.namecheapDomains {
            all += try await f.namecheap.getHosts(domain).hosts.map { "\(domain) \($0.name) \($0.type) \($0.mxPref) \($0.address)" }
        }
        return all.sorted()
    }

    static let porkbunDomains = ["acme-mail.com", "getacme.io", "acmehq.eu"]
    static let namecheapDomains = ["acme-outreach.net", "acme-mail.de", "try-acme.eu"]

    /// Starts an apply and SIGKILLs it a random moment (up to `window`
    /// seconds) after its first write reaches a registrar emulator — so the
    /// kill lands among the apply's provider calls, not in start-up or
    /// observation — or lets it end if it finishes first.
    func killedApply(_ f: EngineFixture, within window: Double, using rng: inout some RandomNumberGenerator) async throws {
        let before = writes(f)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        p.arguments = ["--apply", "--auto-approve", "--allow-destructive", "--inventory", "inventory", "--progress", "never",
                       "--no-rate-limits"]
        p.currentDirectoryURL = URL(fileURLWithPath: f.dir)
        p.environment = f.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && writes(f) == before && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0...window, using: &rng) * 1e9))
        // SIGKILL: a child of Swift Testing has signals blocked, and a crash is what is being tested.
        kill(p.processIdentifier, SIGKILL)
        // Reaped off the cooperative pool (the emulators live in this process).
        _ = try await offPool { p.waitUntilExit() }
    }

    /// Record writes the registrar emulators have answered so far.
    func writes(_ f: EngineFixture) -> Int {
        let porkbun = f.world.service("porkbun")!.counters!, namecheap = f.world.service("namecheap")!.counters!
        return ["dns/create", "dns/edit", "dns/delete"].map(porkbun.requests).reduce(0, +)
            + namecheap.requests("namecheap.domains.dns.sethosts")
    }

    func unknownOutcomes(_ f: EngineFixture) async throws -> Int {
        try await ApplyJournal(try StateStore(path: f.dir + "/.reconcile/state.sqlite")).unknownOutcomes().count
    }

    func expectNoDuplicates(_ f: EngineFixture, round: Int) async throws {
        for domain in Self.porkbunDomains {
            let rows = try await f.porkbun.retrieve(domain)
            let keys = rows.map { "\($0.name) \($0.type) \($0.prio?.value ?? "") \($0.content)" }
            #expect(Set(keys).count == keys.count, "round \(round): duplicate rows at Porkbun in \(domain): \(keys.sorted())")
        }
        for domain in Self.namecheapDomains {
            let hosts = try await f.namecheap.getHosts(domain).hosts
            let keys = hosts.map { "\($0.name) \($0.type) \($0.mxPref) \($0.address)" }
            #expect(Set(keys).count == keys.count, "round \(round): duplicate hosts at Namecheap in \(domain): \(keys.sorted())")
        }
        for region in [MailgunRegion.us, .eu] {
            let client = f.mailgun(region)
            let routes = try await client.allRoutes().map { "\($0.description) \($0.expression)" }
            #expect(Set(routes).count == routes.count, "round \(round): duplicate Mailgun routes (\(region)): \(routes.sorted())")
            let domains = try await client.allDomains().map(\.name)
            #expect(Set(domains).count == domains.count, "round \(round): duplicate Mailgun domains: \(domains.sorted())")
        }
        let users = try await f.zoho.listUsers().compactMap { $0.primaryEmailAddress?.lowercased() }
        #expect(Set(users).count == users.count, "round \(round): duplicate Zoho users: \(users.sorted())")
    }
}
