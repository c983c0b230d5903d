import App
import ArgumentParser
import Foundation
import Inventory
import Store

/// `reconcile export mailboxes`: the fleet's mailboxes as the CSV a
/// sequencer bulk-imports.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the fleet in other tools' import formats.",
        discussion: "Example:\n  reconcile export mailboxes --group eu-outreach --out mailboxes.csv",
        subcommands: [ExportMailboxesCommand.self])
}

struct ExportMailboxesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailboxes",
        abstract: "One CSV row per mailbox with its SMTP and IMAP settings and today's daily limit.",
        discussion: """
            Passwords are written only with --include-secrets, only to a file
            (created 0600), derived again from the SMTP master secret; without
            the flag their columns are empty and everything else is complete.
            The tools' own warmup is written as off: the fleet warms by volume.

            Example:
              reconcile export mailboxes --format instantly --all --out m.csv
            """)

    @Option(help: "csv (every field, self-explaining headers), instantly or smartlead.")
    var format: MailboxExport.Format = .csv

    @Option(help: "The inventory directory.")
    var inventory: String = "inventory"

    @Option(help: StateOptionHelp.text(": mailboxes disabled there are marked (a missing file is not created)"))
    var state: String?

    @Option(help: "Only this group's mailboxes.")
    var group: String?

    @Option(help: "Only this domain's mailboxes.")
    var domain: String?

    @Flag(help: "Spare, retired and disabled mailboxes too.")
    var all = false

    @Flag(name: .customLong("include-secrets"), help: "Write the SMTP and IMAP passwords (to --out only).")
    var includeSecrets = false

    @Option(help: "The CSV file to write, or - for standard output (not with --include-secrets).")
    var out: String

    func validate() throws {
        if includeSecrets && out == "-" {
            throw ValidationError("--include-secrets writes passwords to a file only: give --out FILE, not -")
        }
    }

    func run() async throws {
        try await funnel {
            let loaded = try InventoryLoader().loadAndCompile(directory: inventory).inventory
            let location = try StateChoice.resolve(option: state, inventory: loaded)
            let exists = if case .file(let path) = location { FileManager.default.fileExists(atPath: path) } else { true }
            let health = exists ? try StateStore(location: location).sendingStore().mailboxHealth() : [:]
            let today = CalendarDate(dayNumber: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
            let rows = try MailboxExport.rows(inventory: loaded, filter: .init(group: group, domain: domain, all: all), on: today,
                                              health: health, includeSecrets: includeSecrets,
                                              environment: ProcessInfo.processInfo.environment)
            let text = MailboxExport.csv(rows, format: format)
            if out == "-" {
                print(text, terminator: "")
            } else {
                try PrivateFiles.write(Data(text.utf8), to: out)
            }
            let skipped = Set(rows.flatMap(\.notes)).filter { !$0.hasPrefix("no IMAP inbox") && !$0.hasPrefix("passwords left out") }
            for note in skipped.sorted() { stderr("export: \(note)\n") }
            stderr("export: \(rows.count) mailbox\(rows.count == 1 ? "" : "es") written to \(out == "-" ? "standard output" : out)"
                   + (includeSecrets ? " with their passwords (file mode 0600; keep it out of git and chat)" : ", passwords left out") + "\n")
        }
    }
}

