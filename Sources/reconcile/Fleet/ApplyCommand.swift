import App
import Monitor
import Store
import Foundation
import Reconciler

/// `reconcile --apply [PLANFILE]`.
struct ApplyCommand {
    var fleet: FleetOptions
    var options: ApplyOptions
    var planFile: String?

    func run() async throws {
        try await withSession(fleet) { session in
            let applier = FleetApplier(
                planner: session.planner, safety: session.safetyPolicy(allowDestructive: options.allowDestructive),
                lockTimeout: options.lockTimeoutSeconds, concurrency: options.concurrency,
                maxWait: options.waitSeconds, log: { session.err($0 + "\n") },
                progress: fleet.progress.enabled(isTTY: isatty(2) != 0) ? applyProgress(tty: isatty(2) != 0) : nil)
            let code: Int32
            do {
                code = try await applier.locked {
                    if let planFile { return try await applySaved(planFile, applier, session) }
                    return try await planAndApply(applier, session)
                }
            } catch {
                try await alert(AlertConditions.apply(succeeded: false, summary: session.redactor.scrub("\(error)")), session)
                throw error
            }
            try await alert(AlertConditions.apply(succeeded: code == 0, summary: code == 0 ? "the fleet matches the inventory"
                                                                                    : "exit status \(code); see the apply's output"), session)
            return code
        }
    }

    /// Through the state file's queue; `--alert` also sends it now.
    func alert(_ change: AlertChange, _ session: FleetSession) async throws {
        if let problem = try await FleetAlerting.open(session).raise(change, deliver: options.alert) {
            session.err("alert: \(problem)\n")
        }
    }

    func applySaved(_ path: String, _ applier: FleetApplier, _ session: FleetSession) async throws -> Int32 {
        let plan = try Plan.load(from: path)
        let domains = Set(plan.touchedResources.map(\.domain))
        let summary = try await applier.applySaved(plan, scope: FleetPlanner.Scope(domains: domains))
        report(summary, session)
        return summary.exitCode
    }

    func planAndApply(_ applier: FleetApplier, _ session: FleetSession) async throws -> Int32 {
        let autoApprove = options.autoApprove
        let outcome = try await applier.converge(scope: session.scope, refresh: fleet.refreshPolicy) { plan in
            session.out(try session.render(plan, .text))
            if autoApprove { return true }
            guard isatty(0) != 0 else {
                throw AppError("not applying: stdin is not a terminal, so nobody can confirm; pass --auto-approve")
            }
            session.out("\nApply these changes? Only 'yes' is accepted: ")
            return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
        }
        let status = try applied(outcome, session)
        // A blocked domain (not in its account, unreadable) cannot converge: say so in the status.
        let blocked = outcome.firstPlan.domains.filter { $0.blocked != nil }
        for d in blocked { session.err("\(d.domain): blocked: \(d.blocked!)\n") }
        return blocked.isEmpty ? status : max(status, 1)
    }

    func applied(_ outcome: FleetApplier.ConvergeOutcome, _ session: FleetSession) throws -> Int32 {
        switch outcome {
        case .nothingToDo(let plan):
            session.out(try session.render(plan, .text))
            return 0
        case .declined:
            session.err("Apply cancelled.\n")
            return 1
        case .ran(_, let result):
            switch result {
            case .converged(let rounds):
                session.out("Apply complete: the fleet matches the inventory (\(rounds) round\(rounds == 1 ? "" : "s")).\n")
                return 0
            case .waiting(let summary, _):
                report(summary, session)
                session.out("Waiting: \(summary.pending.count) action\(summary.pending.count == 1 ? "" : "s") wait on DNS or the provider; the next run continues (or pass --wait).\n")
                return 0
            case .failed(let summary, _):
                report(summary, session)
                return 1
            case .notConverging(let plan, _):
                session.err("error: every action succeeded, yet the next plan is the same again — a provider normalisation the diff does not know. Not retrying:\n")
                session.err(TextRenderer().render(plan))
                return 1
            }
        }
    }

    func report(_ summary: ApplySummary, _ session: FleetSession) {
        for (id, outcome) in summary.outcomes where !outcome.isDone {
            if case .pending = outcome { session.out("  \(id): \(outcome)\n") } else { session.err("  \(id): \(outcome)\n") }
        }
        session.out("Apply: \(summary.sentence).\n")
    }
}
