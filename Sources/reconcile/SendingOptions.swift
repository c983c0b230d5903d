import ArgumentParser
import Foundation
import Sender
import Store

/// Where the sender's inputs come from: the state file and the fleet.
struct SendingOptions: ParsableArguments {
    @Option(help: "The SQLite state file.")
    var state: String = ".reconcile/state.sqlite"

    @Option(help: "The fleet as the Sender's own JSON (SendingFleet).")
    var fleet: String?

    func loadFleet() throws -> SendingFleet {
        if let fleet { return try SendingFleet.load(json: fleet) }
        throw ValidationError("give the fleet with --fleet FILE.json")
    }

    func openStore() throws -> SQLiteSendingStore {
        SQLiteSendingStore(try StateStore(path: state))
    }
}

/// Prints a located error and exits 1 (diagnostics to stderr).
func failing<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as SenderError {
        FileHandle.standardError.write(Data("error: \(e)\n".utf8))
        throw ExitCode(1)
    }
}
