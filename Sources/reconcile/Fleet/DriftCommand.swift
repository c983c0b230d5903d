import App
import Monitor
import ArgumentParser
import Foundation
import Reconciler
import Watch

/// `reconcile drift`: a full refresh and a short summary fit for an alert;
/// exit 2 on drift, 1 when some domain could not be checked (an incomplete
/// check is 1 even with drift: the rest of the fleet is unknown).
/// `--via dns` checks the published DNS and web forwards first and reads
/// through the APIs only the domains that differ there, so a healthy fleet
/// costs no registrar API call.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Re-read the fleet and report what differs from the inventory (exit 2 on drift); --via dns reads only what DNS shows differing.",
        discussion: "Examples:\n  reconcile drift\n  reconcile drift --via dns --alert")

    enum Via: String, ExpressibleByArgument, CaseIterable { case api, dns }

    @OptionGroup var fleet: FleetOptions

    @Option(help: "Output: text (a short alert), markdown or json (the full plan).")
    var format: PlanFormat = .text

    @Flag(help: "Send the drift alert (found, or cleared) to Telegram now, not only queue it for reconcile serve.")
    var alert = false

    @Option(help: "api: read every domain through the providers' APIs; dns: check DNS and web forwards first (as `check` does) and read through the APIs only the domains that differ or could not be checked there.")
    var via: Via = .api

    @OptionGroup var check: CheckOptions

    func validate() throws {
        if via == .api, check.nameserver != nil || check.webVia != nil {
            throw ValidationError("--nameserver and --web-via go with --via dns")
        }
    }

    func run() async throws {
        try await withSession(fleet, request: via == .dns ? check.request(fleet) : fleet.request) { session in
            var scope = session.scope
            var published: CheckReport? = nil
            if via == .dns {
                guard let fleetCheck = check.fleetCheck(session, sandbox: fleet.sandbox) else { return 1 }
                let report = await fleetCheck.run(try await session.planner.expectedZones(scope: session.scope))
                scope = FleetPlanner.Scope(domains: Set(report.suspects.map(\.domain)))
                published = report
                // The json and markdown outputs stay the plan alone.
                if format == .text { session.out(CheckRender.dnsFirst(report)) } else { session.err(CheckRender.dnsFirst(report)) }
            }
            let plan = try await session.planner.plan(scope: scope, refresh: .full).plan
            switch format {
            case .text: session.out(DriftReport().render(plan))
            case .markdown, .json: session.out(try session.render(plan, format, title: "reconcile drift"))
            }
            // Unread domains: once per account and reason (the text report has them already).
            let unread = Set(plan.unread.flatMap(\.domains))
            if format != .text { session.errUnread(plan) }
            let blocked = plan.domains.filter { $0.blocked != nil && !unread.contains($0.domain) }
            for d in blocked { session.err("\(d.domain): not checked: \(d.blocked!)\n") }
            let drifted = plan.actions.contains(where: \.operation.isChange)
            if let published {
                // DNS differs, the providers hold the declared state: not drift, but not as declared either.
                let changed = Set(plan.actions.filter(\.operation.isChange).map(\.address.domain))
                for d in published.suspects where d.status == .differs && !changed.contains(d.domain) {
                    session.err("\(d.domain): published differently than its providers hold it (propagation, delegation or the forwarding host): see reconcile check\n")
                }
            }
            if let counts = session.sandbox?.world.apiRequests {
                session.err("sandbox: \(counts.values.reduce(0, +)) API requests (" + counts.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")\n")
            }
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
