import ArgumentParser
import Foundation
import Store

/// `reconcile suppress ADDRESS… --reason TEXT`: manual entries, fleet-wide,
/// each recorded as an event; their planned messages stop.
struct SuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suppress",
        abstract: "Never send to these addresses again (fleet-wide; recorded as events with your reason).")

    @OptionGroup var options: SendingOptions
    @Argument(help: "The addresses.") var addresses: [String]
    @Option(help: "Why (kept with the entry).") var reason: String

    func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("give at least one address") }
        for a in addresses {
            do { _ = try EmailAddress(validating: a) } catch { throw ValidationError("'\(TerminalText.escaped(a))': \(error)") }
        }
    }

    func run() async throws {
        try await funnel {
            let store = try options.openStore()
            let now = Date().timeIntervalSince1970
            for a in addresses {
                let email = EmailAddress.normalize(a)
                if let existing = try store.suppression(email: email) {
                    print("\(email): already suppressed (\(TerminalText.escaped(existing.reason)))")
                    continue
                }
                try store.record(event: SendingEvent(at: now, kind: .suppressed, email: email, detail: reason))
                print("\(email): suppressed")
            }
        }
    }
}

/// `reconcile unsuppress ADDRESS… --reason TEXT`: removes manual (or any)
/// entries, recorded as events. Messages already stopped stay stopped.
struct UnsuppressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsuppress",
        abstract: "Allow sending to these addresses again (recorded as events with your reason).")

    @OptionGroup var options: SendingOptions
    @Argument(help: "The addresses.") var addresses: [String]
    @Option(help: "Why it is safe to send again.") var reason: String

    func run() async throws {
        try await funnel {
            let store = try options.openStore()
            let now = Date().timeIntervalSince1970
            for a in addresses {
                let email = EmailAddress.normalize(a)
                print(try store.unsuppress(email: email, reason: reason, at: now) ? "\(email): unsuppressed" : "\(email): was not suppressed")
            }
        }
    }
}
