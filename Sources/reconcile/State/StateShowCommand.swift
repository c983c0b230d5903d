import App
import ArgumentParser
import Foundation
import Store

/// `reconcile state show`: schema version, rows per table, the apply lock.
struct StateShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Summarise the state: backend, schema version (latest migration per concern), rows per table, apply lock holder.",
        discussion: "Example:\n  reconcile state show --state postgres://reconcile@db.internal:5432/reconcile")

    @Option(help: StateOptionHelp.text())
    var state: String?

    @Option(help: "The inventory directory, read only for its state: key.")
    var inventory = "inventory"

    @Option(help: "Output: text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        try await funnel {
            let location = try StateChoice.resolve(option: state, inventoryDirectory: inventory)
            let summary = try StateSummary.read(location)
            switch format {
            case .text: print(summary.text)
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            }
        }
    }
}
