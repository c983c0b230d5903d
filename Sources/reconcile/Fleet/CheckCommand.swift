import App
import ArgumentParser
import Foundation
import Watch

/// `reconcile check`: the fleet as the internet sees it. Asks each domain's
/// authoritative servers (or `--nameserver`) and compares with the declared
/// zone, and asks each declared web forward over HTTP; exit 0 as declared,
/// 2 differences, 1 could not check.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the published DNS and web forwards of the fleet against the inventory (exit 2 on differences, 1 when some could not be checked).",
        discussion: "Examples:\n  reconcile check --domain acme-mail.de\n  reconcile check --sandbox --nameserver 127.0.0.1:5353")

    @OptionGroup var fleet: FleetOptions
    @OptionGroup var check: CheckOptions

    @Option(help: "Output: text, markdown or json.")
    var format: PlanFormat = .text

    func run() async throws {
        try await withSession(fleet, request: check.request(fleet)) { session in
            guard let fleetCheck = check.fleetCheck(session, sandbox: fleet.sandbox) else { return 1 }
            let zones = try await session.planner.expectedZones(scope: session.scope)
            let report = await fleetCheck.run(zones)
            switch format {
            case .text: session.out(CheckRender.text(report))
            case .markdown: session.out(CheckRender.markdown(report))
            case .json: session.out(try CheckRender.json(report))
            }
            return report.exitCode
        }
    }
}
