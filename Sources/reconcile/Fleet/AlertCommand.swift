import App
import ArgumentParser
import Foundation

/// `reconcile alert test`: one message through the alert path, now.
struct AlertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert",
        abstract: "Alerts (Telegram, alerts.telegram in the inventory).",
        discussion: "Example:\n  reconcile alert test",
        subcommands: [AlertTestCommand.self])
}

struct AlertTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send one test alert now (with anything else queued); exit 1 if it could not be delivered.",
        discussion: "Example:\n  reconcile alert test --inventory inventory")

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let text = "reconcile alert test from \(ProcessInfo.processInfo.hostName): alerts reach this chat."
        if fleet.sandbox {
            // The sandbox's Telegram emulator runs inside a session.
            try await withSession(fleet) { session in
                try await FleetAlerting.open(session).test(text: text)
                session.out("alert test: delivered to the sandbox's Telegram\n")
                return 0
            }
            return
        }
        try await funnel {
            let state = try StateChoice.resolve(option: fleet.state, inventoryDirectory: fleet.inventory)
            try await FleetAlerting.open(inventoryDirectory: fleet.inventory, state: state).test(text: text)
            print("alert test: delivered")
        }
    }
}
