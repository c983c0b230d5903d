import Foundation
import Testing

/// Issue #13 §3 as a user meets it: separate `reconcile` processes on one
/// host share each account's request budget through the ledger beside the
/// state, so emulators enforcing the providers' real limits never answer
/// "slow down" — not to a plan, an apply, a plan and a drift run back to
/// back (each process used to start with an empty budget the provider did
/// not see as empty), and not to a cron drift running during an apply (which
/// used to double the rate).
@Suite(.serialized) struct SharedBudgetCommandTests {
    @Test func runsBackToBackAndConcurrentlyDrawNoThrottledAnswer() async throws {
        let f = try await EngineFixture.start(limits: true)
        do {
            for args in [["--plan"], ["--apply", "--auto-approve"], ["--plan"], ["drift"]] {
                let run = try await f.reconcile(args)
                #expect(run.status == 0 || (args == ["drift"] && run.status == 2), "\(args): \(run.stdout)\n\(run.stderr)")
            }
            #expect(f.throttled.isEmpty, "throttled answers back to back: \(f.throttled)")
            let ledgers = try FileManager.default.contentsOfDirectory(atPath: f.dir + "/.reconcile/rate")
            #expect(Set(ledgers.map { String($0.prefix { $0 != "-" }) }).isSuperset(of: ["porkbun", "namecheap", "mailgun", "zoho"]),
                    "\(ledgers)")

            // Every record changes (a TTL of the defaults), and a drift reads the whole fleet meanwhile.
            try f.edit("fleet.yaml") { $0.replacingOccurrences(of: "  ttl: 3600 ", with: "  ttl: 7200 ") }
            async let apply = f.reconcile(["--apply", "--auto-approve", "--allow-destructive"])
            async let drift = f.reconcile(["drift"])
            let (applied, drifted) = try await (apply, drift)
            #expect(applied.status == 0, "\(applied.stdout)\n\(applied.stderr)")
            #expect(drifted.status == 0 || drifted.status == 2, "\(drifted.stdout)\n\(drifted.stderr)")
            #expect(f.throttled.isEmpty, "throttled answers with drift during apply: \(f.throttled)")
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
