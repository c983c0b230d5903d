import Foundation
import Inventory
import Sandbox
import Testing

/// 20 % of all provider answers fail (500s, unavailable pages, dropped
/// connections, some after the write landed, slow answers): a few applies
/// converge, nothing is duplicated, and no secret value appears anywhere —
/// not in output, not in the saved plan, not in the state file.
@Suite(.serialized) struct FaultApplyTests {
    @Test func twentyPercentFaultsConvergeWithinAFewRunsAndLeakNoSecret() async throws {
        let f = try await EngineFixture.start(faults: .uniform(0.2, hangSeconds: 2), faultSeed: 42)
        do {
            var outputs: [String] = []
            var runs = 0, converged = false
            while runs < 8 && !converged {
                runs += 1
                let apply = try await f.reconcile(["--apply", "--auto-approve"])
                outputs += [apply.stdout, apply.stderr]
                let plan = try await f.reconcile(["--plan", "--detailed-exitcode", "--refresh", "full", "--out", "plans/after.json"])
                outputs += [plan.stdout, plan.stderr]
                converged = apply.status == 0 && plan.status == 0
            }
            #expect(converged, "not converged after \(runs) runs:\n\(outputs.suffix(4).joined(separator: "\n"))")
            let faults = f.world.services.compactMap(\.counters).map(\.totalFaults).reduce(0, +)
            #expect(faults > 10, "only \(faults) faults were injected")
            print("faults: \(faults) injected; converged after \(runs) apply runs")
            try await CrashApplyTests().expectNoDuplicates(f, round: runs)

            let inventory = try InventoryLoader().load(directory: f.dir + "/inventory").inventory
            let secrets = inventory.secretReferences.compactMap { f.environment[$0.name] }.filter { $0.count >= 6 }
            #expect(secrets.contains(EngineFixture.canary))
            let files = [f.dir + "/plans/after.json", f.dir + "/.reconcile/state.sqlite", f.dir + "/.reconcile/state.sqlite-wal"]
                .filter { FileManager.default.fileExists(atPath: $0) }
            let stored = try files.map { String(decoding: try Data(contentsOf: URL(fileURLWithPath: $0)), as: UTF8.self) }
            for secret in secrets {
                for text in outputs + stored { #expect(!text.contains(secret), "a secret value leaked") }
            }
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
