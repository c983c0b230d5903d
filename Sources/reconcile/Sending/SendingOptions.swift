import ArgumentParser
import Foundation
import Sender
import Store

/// Where the sender's inputs come from: the state file and the fleet.
struct SendingOptions: ParsableArguments {
    @Option(help: "The SQLite state file.")
    var state: String = ".reconcile/state.sqlite"

    @Option(help: "The inventory directory (groups, limits, warmup schedules, mailboxes).")
    var inventory: String?

    @Option(help: "The fleet as the Sender's own JSON (SendingFleet), instead of --inventory.")
    var fleet: String?

    func loadFleet() throws -> SendingFleet {
        if let inventory { return try SendingFleet.load(inventoryDirectory: inventory) }
        if let fleet { return try SendingFleet.load(json: fleet) }
        throw ValidationError("give the fleet with --inventory DIR (or --fleet FILE.json)")
    }

    func openStore() throws -> SQLiteSendingStore {
        SQLiteSendingStore(try StateStore(path: state))
    }
}
