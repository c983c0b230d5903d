import App
import ArgumentParser
import Foundation
import Sender

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send queued mail within every limit (daemon), or simulate a run on a virtual clock.")

    @OptionGroup var options: SendingOptions
    @Flag(help: "Simulate on a virtual clock with a relay that accepts everything; the state file is only read.")
    var simulate = false
    @Option(help: "Simulated hours.") var hours: Double = 24
    @Option(help: "Random seed for the simulation.") var seed: UInt64 = 1
    @Option(help: "Simulate the seed-shaped example fleet with this many domains instead of --fleet.")
    var exampleDomains: Int?
    @Flag(help: "Simulate the state file's queued messages instead of unlimited demand.")
    var outbox = false
    @Flag(help: "Daemon: exit once nothing is left to send.")
    var exitWhenIdle = false
    @Option(help: "Daemon: how mail leaves, smtp (each group's Mailgun SMTP pool) or mailgun-http (messages.mime).")
    var transport: TransportKind = .smtp

    func run() async throws {
        try await funnel {
            if simulate { try await runSimulation() } else { try await runDaemon() }
        }
    }

    private func runSimulation() async throws {
        let start = UTCDay.startOfDay(Date().timeIntervalSince1970)
        let fleet = try exampleDomains.map { try SendingFleet.example(domains: $0) } ?? options.loadFleet()
        let demand = try outbox ? OutboxDemand(store: options.openStore(.readOnly)) : nil
        let report = try await Simulator.run(fleet: fleet, hours: hours, seed: seed, start: start, outbox: demand?.outbox(in: fleet),
                                             suppressed: demand?.suppressed ?? [], keepSends: true)
        print(report.render())
        if !report.violations.isEmpty { throw ExitCode(2) }
    }

    private func runDaemon() async throws {
        let sender = try SendService(fleet: try options.loadFleet(), store: try options.openStore(), transport: transport.make(),
                                     exitWhenIdle: exitWhenIdle) { stderr($0 + "\n") }
        var daemon = Daemon()
        daemon.add(sender, name: "sender")
        try await daemon.run()
    }
}
