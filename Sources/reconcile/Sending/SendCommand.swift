import ArgumentParser
import Dispatch
import Foundation
import Sender
import Store

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
    var transport: String = "smtp"

    func validate() throws {
        guard ["smtp", "mailgun-http"].contains(transport) else { throw ValidationError("--transport must be smtp or mailgun-http") }
    }

    func run() async throws {
        try await failing {
            if simulate { try await runSimulation() } else { try await runDaemon() }
        }
    }

    private func runSimulation() async throws {
        let start = UTCDay.startOfDay(Date().timeIntervalSince1970)
        let fleet = try exampleDomains.map { SendingFleet.example(domains: $0, now: start) } ?? options.loadFleet()
        var demand: [(campaign: Campaign, group: String, recipients: [Enrollment])]?
        var suppressed: Set<String> = []
        if outbox {
            let store = try options.openStore()
            suppressed = try store.suppressedEmails()
            var byCampaign: [String: (Campaign, String, [Enrollment])] = [:]
            for m in try store.pendingMessages() where m.step == 0 {
                guard let r = try store.campaign(id: m.campaign), let record = try store.messageRecord(row: m.row) else { continue }
                if byCampaign[m.campaign] == nil { byCampaign[m.campaign] = (try Campaign.from(record: r), r.group, []) }
                byCampaign[m.campaign]!.2.append(Enrollment(email: m.email, timeZone: m.timeZone, variables: record.variables))
            }
            demand = byCampaign.values.map { (campaign: $0.0, group: $0.1, recipients: $0.2) }
        }
        let report = try await Simulator.run(fleet: fleet, hours: hours, seed: seed, start: start, outbox: demand,
                                             suppressed: suppressed, keepSends: true)
        print(report.render())
        if !report.violations.isEmpty { throw ExitCode(2) }
    }

    private func runDaemon() async throws {
        let fleet = try options.loadFleet()
        let store = try options.openStore()
        // Children of test harnesses may start with signals blocked; the daemon must hear SIGTERM.
        var empty = sigset_t()
        sigemptyset(&empty)
        sigprocmask(SIG_SETMASK, &empty, nil)
        let stop = StopFlag()
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "reconcile.signals")
        let sources = [SIGTERM, SIGINT].map { sig -> DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { stop.set() }
            s.resume()
            return s
        }
        defer { sources.forEach { $0.cancel() } }

        let relay: any MailTransport = transport == "smtp" ? CurlSMTPTransport() : MailgunHTTPTransport()
        let engine = try SendEngine(fleet: fleet, store: store, transport: relay, clock: SystemClock(),
                                    random: SystemRandom(), builder: try MessageBuilder.make(fleet: fleet), maintenanceInterval: 5)
        engine.maxSleep = 0.5
        let log = FileHandle.standardError
        engine.onSend = { a, r in
            log.write(Data("sent row \(a.row) from \(a.mailbox): \(r.state.rawValue) \(r.code.map(String.init) ?? "-") [\(r.phase.rawValue)] \(r.text)\n".utf8))
        }
        while !stop.isSet {
            switch try await engine.step() {
            case .sent, .refused: continue
            case .idle(let until, _):
                // Idle with nothing due within a minute (only later retries or follow-ups left): done.
                if exitWhenIdle, engine.scheduler.pendingCount == 0 || until - Date().timeIntervalSince1970 > 60 {
                    try engine.maintain()
                    if engine.scheduler.pendingCount == 0 || until - Date().timeIntervalSince1970 > 60 { return }
                }
                await SystemClock().sleep(until: min(until, Date().timeIntervalSince1970 + 0.5))
            }
        }
        log.write(Data("send: stopped by signal after finishing the transaction in flight\n".utf8))
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
