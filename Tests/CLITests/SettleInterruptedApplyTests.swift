import Foundation
import Reconciler
import Store
import Testing

/// A killed apply whose writes all landed leaves `started` entries while the
/// next plan has no changes: the next `--apply` must still re-read and settle
/// them (it once returned "no changes" first and left them unknown forever).
@Suite(.serialized) struct SettleInterruptedApplyTests {
    @Test func anApplyWithNothingToDoStillSettlesWhatAKilledRunLeftUnknown() async throws {
        let f = try await EngineFixture.start()
        do {
            // A DMARC flip, planned and saved, then applied: its record updates are now in effect.
            let flip = try await Self.convergedThenFlipped(f)
            #expect(try await f.converge())

            // The journal of a run killed mid-call: every flip action started, none finished.
            let store = try StateStore(path: f.dir + "/.reconcile/state.sqlite")
            let journal = ApplyJournal(store)
            try await journal.beginRun("killed", planDigest: "killed-plan", holder: "reconcile apply", now: Date())
            for a in flip {
                try await journal.started(run: "killed", planDigest: "killed-plan", actionID: a.id.rawValue,
                                          action: try JSONEncoder().encode(a), now: Date())
            }
            #expect(try await journal.unknownOutcomes().count == flip.count)

            let next = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
            #expect(next.stdout.contains("No changes"), "\(next.stdout)")
            #expect(next.stderr.contains("an interrupted apply left \(flip.count) outcome(s) unknown: \(flip.count) in effect"), "\(next.stderr)")
            #expect(try await journal.unknownOutcomes().isEmpty)
            let settled = try await journal.entries(run: "killed")
            #expect(settled.count == flip.count)
            #expect(settled.allSatisfy { $0.state == .recoveredApplied }, "\(settled.map { "\($0.actionID) \($0.state)" })")

            // Nothing was written to settle them: the next plan still has no changes.
            #expect(try await f.reconcile(["--plan", "--detailed-exitcode"]).status == 0)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// The killed run's plan read the zones before its writes landed; the next
    /// plan must read them again rather than take that old reading from the
    /// cache and write the same change a second time.
    @Test func whatASettledActionTouchedIsReadAfreshNotTakenFromTheCache() async throws {
        let f = try await EngineFixture.start()
        do {
            // Planned from the cache, as the killed run's plan was: the zones before the flip.
            let flip = try await Self.convergedThenFlipped(f)
            // The killed run's writes land; this state's cache still holds the zones before them.
            let copy = try await CLIRunner.runAsync(CLIRunner.binary, ["state", "migrate", "--from", ".reconcile/state.sqlite", "--to", "copy.sqlite"],
                                                    cwd: f.dir, environment: f.environment)
            #expect(copy.status == 0, "\(copy.stderr)")
            let landed = try await f.reconcile(["--apply", "--auto-approve", "--state", "copy.sqlite"])
            #expect(landed.status == 0, "\(landed.stdout)\n\(landed.stderr)")
            // The dead run had journaled some of them as succeeded, the rest only as started.
            let journal = ApplyJournal(try StateStore(path: f.dir + "/.reconcile/state.sqlite"))
            try await journal.beginRun("killed", planDigest: "killed-plan", holder: "reconcile apply", now: Date())
            for (n, a) in flip.enumerated() {
                let data = try JSONEncoder().encode(a)
                try await journal.started(run: "killed", planDigest: "killed-plan", actionID: a.id.rawValue, action: data, now: Date())
                if n % 2 == 0 {
                    try await journal.finished(run: "killed", planDigest: "killed-plan", actionID: a.id.rawValue, action: data,
                                               state: .succeeded, now: Date())
                }
            }

            let before = CrashApplyTests().writes(f)
            let next = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(next.status == 0, "\(next.stdout)\n\(next.stderr)")
            #expect(next.stdout.contains("No changes"), "planned from the cache as it was before the kill:\n\(next.stdout)")
            #expect(CrashApplyTests().writes(f) == before, "a write already in effect was made again")
            #expect(try await journal.unknownOutcomes().isEmpty)
            #expect(try await journal.unendedRuns().isEmpty, "the dead run is closed as abandoned")
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// Converges the fixture, flips every DMARC policy in the inventory and
    /// returns the DMARC updates a plan from the (warm) cache makes of it.
    static func convergedThenFlipped(_ f: EngineFixture) async throws -> [PlanAction] {
        #expect(try await f.converge(), "the bootstrap did not converge")
        try f.edit("fleet.yaml") { $0.replacingOccurrences(of: "policy: none ", with: "policy: quarantine ") }
        let planPath = f.dir + "/flip.json"
        #expect(try await f.reconcile(["--plan", "--refresh", "none", "--out", planPath]).status == 0)
        let flip = try Plan.load(from: planPath).actions.filter { $0.id.rawValue.contains("_dmarc") }
        try #require(!flip.isEmpty, "the flip planned no DMARC update")
        return flip
    }
}
