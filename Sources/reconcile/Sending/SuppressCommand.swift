import ArgumentParser
import Foundation
import Store

/// What `suppress` and `unsuppress` take: the state file, addresses, a reason.
struct SuppressionListArguments: ParsableArguments {
    @OptionGroup var options: SendingOptions
    @Argument(help: "The addresses.") var addresses: [String]
    @Option(help: "Why (recorded with the event).") var reason: String

    func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
    }
}

/// `reconcile suppress ADDRESS… --reason TEXT`: manual entries, fleet-wide,
/// each recorded as an event; their planned messages stop.
struct SuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "Never send to these addresses again (fleet-wide; recorded as events with your reason).",
        discussion: "Example:\n  reconcile suppress jane@example.org --reason \"asked by phone\"")

    @OptionGroup var list: SuppressionListArguments

    func validate() throws {
        for a in list.addresses {
            do { _ = try EmailAddress(validating: a) } catch { throw ValidationError("'\(TerminalText.escaped(a))': \(error)") }
        }
    }

    func run() async throws {
        try await funnel {
            let store = try list.options.openStore()
            let now = Date().timeIntervalSince1970
            for email in list.addresses.map(EmailAddress.normalize) {
                if let existing = try store.suppression(email: email) {
                    print("\(email): already suppressed (\(TerminalText.escaped(existing.reason)))")
                } else {
                    try store.record(event: SendingEvent(at: now, kind: .suppressed, email: email, detail: list.reason))
                    print("\(email): suppressed")
                }
            }
        }
    }
}

/// `reconcile unsuppress ADDRESS… --reason TEXT`: removes entries (manual or
/// learned), recorded as events. Messages already stopped stay stopped.
struct UnsuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsuppress",
        abstract: "Allow sending to these addresses again (recorded as events with your reason).",
        discussion: "Example:\n  reconcile unsuppress jane@example.org --reason \"opted in again\"")

    @OptionGroup var list: SuppressionListArguments

    func run() async throws {
        try await funnel {
            let store = try list.options.openStore()
            let now = Date().timeIntervalSince1970
            for email in list.addresses.map(EmailAddress.normalize) {
                let removed = try store.unsuppress(email: email, reason: list.reason, at: now)
                print("\(email): \(removed ? "unsuppressed" : "was not suppressed")")
            }
        }
    }
}
