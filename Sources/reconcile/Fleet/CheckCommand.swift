import App
import ArgumentParser
import Foundation
import Resolver
import Watch

/// `reconcile check`: the fleet as the internet sees it. Asks each domain's
/// authoritative servers (or `--nameserver`) and compares with the declared
/// zone; exit 0 as declared, 2 differences, 1 could not check.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the published DNS of the fleet against the inventory (exit 2 on differences, 1 when some could not be checked).")

    @OptionGroup var fleet: FleetOptions

    @Option(help: "Output: text, markdown or json.")
    var format: PlanFormat = .text

    @Option(help: "Ask this server (HOST:PORT) for every domain instead of its authoritative nameservers.")
    var nameserver: String?

    @Option(name: .customLong("dns-timeout"), help: "Per query attempt, in milliseconds.")
    var dnsTimeout = 2_000

    func validate() throws {
        _ = try nameserverArgument(nameserver)
        guard dnsTimeout >= 10 else { throw ValidationError("--dns-timeout must be at least 10 (milliseconds)") }
    }

    func run() async throws {
        var request = fleet.request
        request.publishDNS = fleet.sandbox && nameserver == nil
        try await withSession(fleet, request: request) { session in
            var server = nameserver.flatMap(DNSServer.init(parsing:))
            if fleet.sandbox, server == nil {
                guard let dns = session.sandbox?.world.dns else {
                    session.err("check: the sandbox serves its zones over DNS only with Knot installed (scripts/bootstrap); or pass --nameserver HOST:PORT\n")
                    return 1
                }
                server = DNSServer(address: dns.address, port: dns.port)
            }
            let zones = try await session.planner.expectedZones(scope: session.scope)
            let check = FleetCheck(resolver: DNSResolver(timeoutMilliseconds: dnsTimeout), nameserver: server)
            let report = await check.run(zones)
            switch format {
            case .text: session.out(CheckRender.text(report))
            case .markdown: session.out(CheckRender.markdown(report))
            case .json: session.out(try CheckRender.json(report))
            }
            return report.exitCode
        }
    }
}
