import App
import ArgumentParser
import Foundation
import Monitor
import Sender
import Store

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send queued mail within every limit (daemon), or simulate a run on a virtual clock.",
        discussion: "Examples:\n  reconcile send\n  reconcile send --simulate --hours 48")

    @OptionGroup var options: SendingOptions
    @Flag(help: "Simulate on a virtual clock with a relay that accepts everything; the state file is only read.")
    var simulate = false
    @Option(help: "Simulated hours.") var hours: Double = 24
    @Option(help: "Simulation: when the virtual clock starts, ISO 8601 (2026-03-07T12:00Z) or a date (its 00:00 UTC); default today 00:00 UTC.")
    var start: String?
    @Option(help: "Random seed for the simulation.") var seed: UInt64 = 1
    @Option(help: "Simulate the seed-shaped example fleet with this many domains instead of --fleet.")
    var exampleDomains: Int?
    @Flag(help: "Simulate the state file's queued messages instead of unlimited demand.")
    var outbox = false
    @Flag(help: "Daemon: exit once nothing is left to send.")
    var exitWhenIdle = false
    @Option(help: "Daemon: how mail leaves, smtp (each group's Mailgun SMTP pool) or mailgun-http (messages.mime).")
    var transport: TransportKind = .smtp
    @Option(name: .customLong("log-format"), help: "Daemon: text (a line per send on stderr) or json (a JSON line per send attempt and per event on stdout).")
    var logFormat: SendLogFormat = .text
    @Flag(name: .customLong("log-recipients"), help: "Daemon, json log: write recipients' addresses instead of their sha256 hashes.")
    var logRecipients = false

    func run() async throws {
        try await funnel {
            if simulate { try await runSimulation() } else { try await runDaemon() }
        }
    }

    private func runSimulation() async throws {
        guard let start = start.map(UTCDay.parseInstant) ?? UTCDay.startOfDay(Date().timeIntervalSince1970) else {
            throw ValidationError("--start '\(self.start ?? "")' is not an ISO 8601 time like 2026-03-07T12:00Z or a date like 2026-03-07")
        }
        let fleet = try exampleDomains.map { try SendingFleet.example(domains: $0) } ?? options.loadFleet()
        let demand = try outbox ? OutboxDemand(store: options.openStore(.readOnly)) : nil
        let report = try await Simulator.run(fleet: fleet, hours: hours, seed: seed, start: start, outbox: demand?.outbox(in: fleet),
                                             suppressed: demand?.suppressed ?? [], keepSends: true)
        print(report.render())
        if !report.violations.isEmpty { throw ExitCode(2) }
    }

    private func runDaemon() async throws {
        let store = try options.openStore()
        var sender = try SendService(fleet: try options.loadFleet(), store: store, transport: transport.make(),
                                     exitWhenIdle: exitWhenIdle) { stderr($0 + "\n") }
        var daemon = Daemon()
        // The DNS preflight (README "Sending preflight"); a `--fleet` JSON has no inventory to check.
        if options.fleet == nil {
            daemon.add(try await SendPreflight.prepare(fleet: try options.loadFleet(), inventoryDirectory: options.inventory,
                                                       state: try options.stateLocation()) { stderr($0 + "\n") }, name: "dns-preflight")
        }
        if logFormat == .json {
            let log = SendLog.jsonLines(logRecipients: logRecipients)
            sender.onAttempt = { log.attempt($0, $1) }
            daemon.add(SendEventTail(store: store, log: log), name: "send-log")
        }
        daemon.add(sender, name: "sender")
        try await daemon.run()
    }
}

enum SendLogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }
