import ArgumentParser
import Foundation
import Sender

struct EnableMailboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable-mailbox",
        abstract: "Re-enable a mailbox the health check disabled (recorded as an event with your reason).",
        discussion: "Example:\n  reconcile enable-mailbox anna@acme-mail.de --reason \"list cleaned\"")

    @OptionGroup var options: SendingOptions
    @Argument(help: "The mailbox address.") var address: String
    @Option(help: "Why it is safe to send again.") var reason: String

    func run() async throws {
        try await funnel {
            let h = try HealthMonitor.enable(address: address, reason: reason, fleet: try options.loadFleet(), store: try options.openStore(.existing),
                                             now: Date().timeIntervalSince1970)
            print("\(h.address): enabled (\(reason))")
        }
    }
}
