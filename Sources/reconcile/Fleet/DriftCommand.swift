import App
import Monitor
import ArgumentParser
import Foundation
import Reconciler

/// `reconcile drift`: a full refresh and a short summary fit for an alert;
/// exit 2 on drift, 1 when some domain could not be checked (an incomplete
/// check is 1 even with drift: the rest of the fleet is unknown).
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Re-read the whole fleet and report what differs from the inventory (exit 2 on drift).")

    @OptionGroup var fleet: FleetOptions

    @Option(help: "Output: text (a short alert), markdown or json (the full plan).")
    var format: PlanFormat = .text

    @Flag(help: "Send the drift alert (found, or cleared) to Telegram now, not only queue it for reconcile serve.")
    var alert = false

    func run() async throws {
        try await withSession(fleet) { session in
            let plan = try await session.planner.plan(scope: session.scope, refresh: .full).plan
            switch format {
            case .text: session.out(DriftReport().render(plan))
            case .markdown, .json: session.out(try session.render(plan, format))
            }
            // Unread domains: once per account and reason (the text report has them already).
            let unread = Set(plan.unread.flatMap(\.domains))
            if format != .text { session.errUnread(plan) }
            let blocked = plan.domains.filter { $0.blocked != nil && !unread.contains($0.domain) }
            for d in blocked { session.err("\(d.domain): not checked: \(d.blocked!)\n") }
            let drifted = plan.actions.contains(where: \.operation.isChange)
            // Only a complete check clears the alert: an unread or unchecked domain may still drift.
            if drifted || (plan.isComplete && blocked.isEmpty) {
                let change = AlertConditions.drift(found: drifted, summary: DriftReport().render(plan).trimmingCharacters(in: .newlines))
                if let problem = try await FleetAlerting.open(session).raise(change, deliver: alert) { session.err("alert: \(problem)\n") }
            }
            for problem in try await FleetAlerting.open(session).raiseRegistrations(plan, deliver: alert) { session.err("alert: \(problem)\n") }
            // Drift is only asserted of a complete check.
            if !plan.isComplete { return 1 }
            if drifted { return 2 }
            return blocked.isEmpty ? 0 : 1
        }
    }
}
