import ArgumentParser
import Foundation
import Sender

struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Per group and day: queued demand against what every limit allows, naming the binding limit.",
        discussion: "Example:\n  reconcile capacity --days 7")

    @OptionGroup var options: SendingOptions
    @Option(help: "Days to plan.") var days: Int = 1
    @Option(help: "Use the example fleet of `example-fleet --domains N` (seed 1) instead of --fleet.") var exampleDomains: Int?

    func run() async throws {
        try await funnel {
            let now = Date().timeIntervalSince1970
            let fleet = try exampleDomains.map { try SendingFleet.example(domains: $0) } ?? options.loadFleet()
            print(try CapacityReport.render(fleet: fleet, store: try options.openStore(.readOnly), days: days, now: now))
        }
    }
}
