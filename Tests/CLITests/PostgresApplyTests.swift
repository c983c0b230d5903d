import Foundation
import DNSRecords
import Providers
import Sandbox
import Store
import Testing
import TestSupport

/// Applies from separate processes and working directories sharing one
/// PostgreSQL state (`RECONCILE_STATE`), as CI runners do (issue #15): one
/// apply at a time across them, the lock gone the moment its holder dies,
/// and an apply killed on one "runner" finished by the next on another.
@Suite(.serialized) struct PostgresApplyTests {
    /// The fixture with every `reconcile` pointed at `url` through the environment.
    static func fixture(_ url: PostgresURL, faults: FaultProfile = .none) async throws -> EngineFixture {
        let f = try await EngineFixture.start(faults: faults)
        var env = f.environment
        env["RECONCILE_STATE"] = url.connectionString
        return EngineFixture(dir: f.dir, world: f.world, environment: env, limits: f.limits)
    }

    /// A second working directory with the same inventory and no `.reconcile/`: a fresh runner.
    static func freshRunner(_ f: EngineFixture) throws -> EngineFixture {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(atPath: f.dir + "/inventory", toPath: dir + "/inventory")
        return EngineFixture(dir: dir, world: f.world, environment: f.environment, limits: f.limits)
    }

    static func startApply(_ f: EngineFixture) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLIRunner.binary)
        p.arguments = ["--apply", "--auto-approve", "--allow-destructive", "--inventory", "inventory", "--progress", "never", "--no-rate-limits"]
        p.currentDirectoryURL = URL(fileURLWithPath: f.dir)
        p.environment = f.environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// A change on every domain, so that an apply has work everywhere.
    static func flipDMARC(_ f: EngineFixture, round: Int) throws {
        try f.edit("fleet.yaml") { text in
            round % 2 == 0 ? text.replacingOccurrences(of: "policy: none ", with: "policy: quarantine ")
                : text.replacingOccurrences(of: "policy: quarantine ", with: "policy: none ")
        }
    }

    @Test func oneApplyAtATimeAcrossProcessesAndTheLockDiesWithItsHolder() async throws {
        let url = try PostgresServer.freshDatabase()
        // Slow answers keep the first apply inside the lock long enough to be seen.
        let f = try await Self.fixture(url, faults: FaultProfile(slow: 1, slowSeconds: 0.2))
        let other = try Self.freshRunner(f)
        do {
            #expect(try await f.converge(), "the bootstrap did not converge")
            try Self.flipDMARC(f, round: 0)
            try Self.flipDMARC(other, round: 0)
            let holder = try Self.startApply(f)
            let lock = ApplyLock(try StateStore(postgres: url))
            let deadline = Date().addingTimeInterval(30)
            while try lock.current() == nil, holder.isRunning, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
            try #require(try lock.current() != nil, "the first apply never held the lock")

            let refused = try await other.reconcile(["--apply", "--auto-approve", "--lock-timeout", "0"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("pid \(holder.processIdentifier)"), "the refusal names the holder: \(refused.stderr)")
            #expect(refused.stderr.contains(ProcessInfo.processInfo.hostName), "\(refused.stderr)")

            kill(holder.processIdentifier, SIGKILL)
            _ = try await offPool { holder.waitUntilExit() }
            // At once: no stale-lock timeout to wait out, the server ended the holder's session.
            let next = try await other.reconcile(["--apply", "--auto-approve", "--lock-timeout", "2s"])
            #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
            #expect(!next.stderr.contains("another apply holds the lock"))
            #expect(try await other.reconcile(["--plan", "--detailed-exitcode"]).status == 0)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    @Test func anApplyKilledOnOneRunnerIsFinishedByAnotherWithoutDuplicates() async throws {
        let url = try PostgresServer.freshDatabase()
        let f = try await Self.fixture(url, faults: FaultProfile(slow: 1, slowSeconds: 0.03))
        do {
            #expect(try await f.converge(), "the bootstrap did not converge")
            var rng = SystemRandomNumberGenerator()
            var unknownSeen = 0
            for round in 0..<6 {
                try Self.flipDMARC(f, round: round)
                // Killed among its provider writes (after the first reaches an emulator), as CrashApplyTests does.
                let before = CrashApplyTests().writes(f)
                let p = try Self.startApply(f)
                let deadline = Date().addingTimeInterval(30)
                while p.isRunning && CrashApplyTests().writes(f) == before && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
                try await Task.sleep(nanoseconds: UInt64(Double.random(in: 0...0.15, using: &rng) * 1e9))
                kill(p.processIdentifier, SIGKILL)
                _ = try await offPool { p.waitUntilExit() }
                unknownSeen += try await ApplyJournal(try StateStore(postgres: url)).unknownOutcomes().count
                // The next runner: a new directory, nothing local, the same database.
                let runner = try Self.freshRunner(f)
                let next = try await runner.reconcile(["--apply", "--auto-approve", "--allow-destructive"])
                #expect(next.status == 0, "round \(round): \(next.stdout)\n\(next.stderr)")
                let plan = try await runner.reconcile(["--plan", "--detailed-exitcode"])
                #expect(plan.status == 0, "round \(round) did not converge:\n\(plan.stdout)")
                // Settled even when the killed run's writes all landed and this apply had nothing to do.
                let left = try await ApplyJournal(try StateStore(postgres: url)).unknownOutcomes()
                #expect(left.isEmpty, "round \(round): still unknown: \(left.map { "\($0.runID) \($0.actionID)" })")
                try await CrashApplyTests().expectNoDuplicates(f, round: round)
                try? FileManager.default.removeItem(atPath: runner.dir)
            }
            print("postgres crash test: 6 kills, \(unknownSeen) unknown outcomes recovered by other runners")
            #expect(unknownSeen > 0, "no kill landed inside a provider call: the test proved little")
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
