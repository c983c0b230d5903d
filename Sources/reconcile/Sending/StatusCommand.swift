import ArgumentParser
import Foundation
import Sender

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Mailboxes by state and warmup stage, sends in the last 24 h, bounce rates, the outbox by state.",
        discussion: "Example:\n  reconcile status")

    @OptionGroup var options: SendingOptions

    func run() async throws {
        try await funnel {
            print(try StatusReport.render(fleet: try options.loadFleet(), store: try options.openStore(.readOnly), now: Date().timeIntervalSince1970))
        }
    }
}
