import App
import ArgumentParser
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
        // The plan and its observations are left to the process exit, not
        // freed object by object (~5 ms of a 600-domain warm plan's ~90); the
        // session itself closes as usual (the state's log folded back in).
        var kept: FleetPlanner.Result?
        let code: Int32
        do {
            try await plan { kept = $0 }
            code = 0
        } catch let exit as ExitCode {
            code = exit.rawValue
        }
        withExtendedLifetime(kept) { Foundation.exit(code) }
    }

    private func plan(keep: (FleetPlanner.Result) -> Void) async throws {
        try await withSession(fleet) { session in
            let result = try await session.planner.plan(scope: session.scope, refresh: fleet.refreshPolicy)
            keep(result)
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
