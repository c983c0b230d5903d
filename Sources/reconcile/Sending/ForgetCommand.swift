import App
import ArgumentParser
import Foundation
import Store

/// `reconcile forget ADDRESS…`: an erasure request (GDPR art. 17). The
/// store keeps only the address's hash, as a suppression.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase recipients from the state: their CSV columns go, the address is replaced by its hash, and stays suppressed.",
        discussion: "Example:\n  reconcile forget jane@example.org")

    @Argument(help: "The recipients' addresses.")
    var addresses: [String]

    @Option(help: StateOptionHelp.text())
    var state: String?

    func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("give at least one ADDRESS") }
        for a in addresses where !a.contains("@") { throw ValidationError("'\(a)' is not an email address") }
    }

    func run() async throws {
        try await funnel {
            let store = try StateStore(location: try StateChoice.resolve(option: state, inventoryDirectory: nil)).sendingStore()
            let now = Date().timeIntervalSince1970
            for a in addresses { print(try store.forget(email: a, at: now)) }
        }
    }
}
