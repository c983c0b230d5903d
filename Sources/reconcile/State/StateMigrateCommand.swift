import ArgumentParser
import Foundation
import Store

/// `reconcile state migrate --from A --to B`: a verified copy of a state
/// between a file and a PostgreSQL database (either direction).
struct StateMigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a state into another (file to PostgreSQL or back), verified by per-table row counts and digests.",
        discussion: """
            Every table is copied in one transaction of the target, identity values kept. Not copied: the apply \
            lock (it belongs to a running apply on the source) and PostgreSQL's shared rate ledger (request \
            budgets refill within minutes). Stop applies and senders on the source while it runs. A target with \
            any row is refused unless --force, which replaces its rows. Exit 1 naming the table if the copy \
            does not match the source.

            Example:
              reconcile state migrate --from state.sqlite --to postgres://ci@db/reconcile
            """)

    @Option(help: ArgumentHelp("The state to copy: a SQLite file or postgres://USER@HOST:PORT/DB.", valueName: "file-or-url"))
    var from: String

    @Option(help: ArgumentHelp("The state to write (created and migrated if new): a SQLite file or postgres://USER@HOST:PORT/DB.",
                               valueName: "file-or-url"))
    var to: String

    @Flag(help: "Replace the rows of a target that is not empty.")
    var force = false

    func run() async throws {
        try await funnel {
            let migration = StateMigration(from: try StateLocation(from), to: try StateLocation(to), force: force)
            let report = try migration.run()
            let width = report.tables.map(\.table.count).max() ?? 0
            for t in report.tables {
                print(t.table.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(t.rows) rows  sha256 \(t.digest)")
            }
            let total = report.tables.reduce(0) { $0 + $1.rows }
            let replaced = report.replacedRows > 0 ? " (replacing \(report.replacedRows) rows)" : ""
            print("Copied \(total) rows in \(report.tables.count) tables from \(report.from) to \(report.to)\(replaced); verified.")
        }
    }
}
