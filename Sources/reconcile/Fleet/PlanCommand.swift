import App
import Foundation
import Reconciler
import Store

/// `reconcile --plan`: observe, diff, print; exit 2 on changes with
/// `--detailed-exitcode`.
struct PlanCommand {
    var fleet: FleetOptions
    var format: PlanFormat
    var out: String?
    var detailedExitcode: Bool

    func run() async throws {
        // A bad --out is found before the fleet is observed, in words.
        if let out { try PrivateFiles.checkTarget(out) }
        try await withSession(fleet) { session in
            let result = try await session.planner.plan(scope: session.scope, refresh: fleet.refreshPolicy)
            session.out(try session.render(result.plan, format))
            if let note = session.scopeNote { session.err(note + "\n") }
            if let out {
                try result.plan.save(to: out)
                session.err("plan saved to \(out); apply it with: reconcile --apply \(out)\n")
            }
            return detailedExitcode && result.plan.hasChanges ? 2 : 0
        }
    }
}
