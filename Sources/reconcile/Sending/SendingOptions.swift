import ArgumentParser
import Foundation
import Sender
import Store

/// Where the sender's inputs come from: the state file and the fleet.
struct SendingOptions: ParsableArguments {
    @Option(help: "The SQLite state file.")
    var state: String = ".reconcile/state.sqlite"

    @Option(help: "The inventory directory (groups, limits, warmup schedules, mailboxes), checked as `validate` checks it.")
    var inventory: String = "inventory"

    @Option(help: "The fleet as the Sender's own JSON (SendingFleet), instead of --inventory.")
    var fleet: String?

    func loadFleet() throws -> SendingFleet {
        if let fleet { return try SendingFleet.load(json: fleet) }
        return try SendingFleet.load(inventoryDirectory: inventory)
    }

    /// `create` for commands that queue or send; `readOnly` for reports,
    /// which never create a state file.
    func openStore(_ access: StateFile.Access = .create) throws -> SQLiteSendingStore {
        try StateFile.openSending(path: state, access: access)
    }
}
