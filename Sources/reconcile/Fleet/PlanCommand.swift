import App
import Foundation
import Reconciler
import Store

/// `reconcile --plan`: observe, diff, print; exit 2 on changes with
/// `--detailed-exitcode`, 1 when some domain could not be read.
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
            if format != .text { session.errUnread(result.plan) }
            if let out {
                try result.plan.save(to: out)
                session.err("plan saved to \(out); apply it with: reconcile --apply \(out)\n")
            }
            // A domain not read is an error, as in Terraform: never "no changes".
            if !result.plan.isComplete { return 1 }
            return detailedExitcode && result.plan.hasChanges ? 2 : 0
        }
    }
}
