import ArgumentParser

/// `reconcile state show|migrate`: the state itself, on either backend.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "The state (a SQLite file or a PostgreSQL database): summarise it, copy it between backends.",
        discussion: "Examples:\n  reconcile state show\n  reconcile state migrate --from state.sqlite --to postgres://ci@db/reconcile",
        subcommands: [StateShowCommand.self, StateMigrateCommand.self])
}
