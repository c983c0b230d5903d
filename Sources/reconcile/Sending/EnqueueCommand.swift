import ArgumentParser
import Foundation
import Sender

struct EnqueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enqueue",
        abstract: "Queue a campaign for a list of recipients (nothing is written if either file has an error).",
        discussion: "Example:\n  reconcile enqueue --campaign q1.yaml --recipients q1.csv --group eu-outreach")

    @OptionGroup var options: SendingOptions
    @Option(help: "The campaign YAML.") var campaign: String
    @Option(help: "The recipients CSV (email, optional time_zone, variables).") var recipients: String
    @Option(help: "The sending group whose mailboxes send it.") var group: String
    @Flag(help: "Enqueue a changed campaign under its existing name: recipients mid-sequence get the new version from their next step.")
    var replace = false

    func run() async throws {
        try await funnel {
            // A broken inventory is an error, never a skipped group check; the
            // state file is opened only once the campaign and group are sound.
            let request = try Enqueuer.Request(campaignPath: campaign, recipientsPath: recipients, group: group, fleet: try options.loadFleet(),
                                                replace: replace)
            print(try request.write(to: options.openStore(), now: Date().timeIntervalSince1970).render())
        }
    }
}
