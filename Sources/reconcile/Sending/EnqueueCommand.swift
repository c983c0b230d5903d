import ArgumentParser
import Foundation
import Sender

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue a campaign for a list of recipients (nothing is written if either file has an error).")

    @OptionGroup var options: SendingOptions
    @Option(help: "The campaign YAML.") var campaign: String
    @Option(help: "The recipients CSV (email, optional time_zone, variables).") var recipients: String
    @Option(help: "The sending group whose mailboxes send it.") var group: String

    func run() async throws {
        try await funnel {
            let fleet = try? options.loadFleet()
            let summary = try Enqueuer.enqueue(campaignPath: campaign, recipientsPath: recipients, group: group, fleet: fleet,
                                               store: try options.openStore(), now: Date().timeIntervalSince1970)
            print(summary.render())
        }
    }
}
