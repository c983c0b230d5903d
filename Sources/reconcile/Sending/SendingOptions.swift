import App
import ArgumentParser
import Foundation
import Sender
import Store

/// Where the sender's inputs come from: the state file and the fleet.
struct SendingOptions: ParsableArguments {
    @Option(help: StateOptionHelp.text())
    var state: String?

    @Option(help: "The inventory directory (groups, limits, warmup schedules, mailboxes), checked as `validate` checks it.")
    var inventory: String = "inventory"

    @Option(help: "The fleet as the Sender's own JSON (SendingFleet), instead of --inventory.")
    var fleet: String?

    func loadFleet() throws -> SendingFleet {
        if let fleet { return try SendingFleet.load(json: fleet) }
        return try SendingFleet.load(inventoryDirectory: inventory)
    }

    /// `--state`, `RECONCILE_STATE`, the inventory's `state:` (not with `--fleet`), the default file.
    func stateLocation() throws -> StateLocation {
        try StateChoice.resolve(option: state, inventoryDirectory: fleet == nil ? inventory : nil)
    }

    /// `create` for commands that queue or send; `readOnly` for reports,
    /// which never create a state file.
    func openStore(_ access: StateFile.Access = .create) throws -> any SendingStore {
        try StateFile.openSending(location: try stateLocation(), access: access)
    }
}
