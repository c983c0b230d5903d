import App
import Foundation
import Reconciler

/// `reconcile --plan`: observe, diff, print; exit 2 on changes with
/// `--detailed-exitcode`.
struct PlanCommand {
    var fleet: FleetOptions
    var format: PlanFormat
    var out: String?
    var detailedExitcode: Bool

    func run() async throws {
        try await withSession(fleet) { session in
            let result = try await session.planner.plan(scope: session.scope, refresh: fleet.refreshPolicy)
            session.out(try session.render(result.plan, format))
            if let note = session.scopeNote { session.err(note + "\n") }
            if let out {
                try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: out).deletingLastPathComponent().path,
                                                        withIntermediateDirectories: true)
                try result.plan.save(to: out)
                session.err("plan saved to \(out); apply it with: reconcile --apply \(out)\n")
            }
            return detailedExitcode && result.plan.hasChanges ? 2 : 0
        }
    }
}
