import App
import ArgumentParser
import Foundation
import Reconciler

/// `reconcile import`: adopt an existing fleet. Reads the accounts of an
/// accounts-only inventory and writes the full inventory of what they hold.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write the inventory of an existing fleet from what its accounts hold.",
        discussion: """
            Reads the accounts of --inventory (accounts only, plus optional fleet settings such as defaults or \
            monitoring) and writes a full inventory into --out: the input files unchanged, imported.yaml with the \
            inferred defaults and monitoring.public_base_url, and groups/<pool>.yaml per Mailgun account. Records \
            reconcile generates are left implicit; every other record becomes an extra record (or stays unmanaged \
            with --unmanaged-records skip). The result is planned against what was read before it is written: \
            whatever the first --plan would still change is printed (exit 2). Reads respect each account's rate \
            budget; the estimate is printed before they start.

            Examples:
              reconcile import --from all --inventory accounts/ --out inventory/
              reconcile import --from namecheap --unmanaged-records skip --out imported/
            """)

    @Option(name: .customLong("from"), help: "Whose domain listings to import: porkbun, namecheap, mailgun, zoho or all (repeatable, or comma-separated).")
    var from: [String] = ["all"]

    @Option(help: "The directory to write the inventory into (created; must be empty).")
    var out: String

    @Option(help: "The accounts-only inventory directory.")
    var inventory = "inventory"

    @Option(name: .customLong("unmanaged-records"), help: "Records reconcile does not generate: extra (declare them as extra_records) or skip (leave them unmanaged, listed as comments).")
    var unmanagedRecords: ImportRequest.UnmanagedRecords = .extra

    @Option(help: StateOptionHelp.text(" whose accounts' rate budgets import shares (with a file: the rate ledger beside it); import writes no state"))
    var state: String?

    @Option(help: "Progress of the zone reads on stderr: always (default: a long import should not look hung in a CI log), auto (only on a terminal), never.")
    var progress: ProgressMode = .always

    @Option(help: "Concurrent zone reads (each account's rate budget still paces its calls).")
    var concurrency = 16

    @Flag(help: "Import from the built-in sandbox's world (.reconcile/sandbox/world.json), every provider emulated in-process.")
    var sandbox = false

    @Flag(name: .customLong("no-rate-limits"), help: .hidden)
    var noRateLimits = false

    var sources: [ImportRequest.Source] {
        get throws {
            try from.flatMap { $0.split(separator: ",") }.map { word in
                let w = word.trimmingCharacters(in: .whitespaces).lowercased()
                guard let s = ImportRequest.Source(rawValue: w) else {
                    throw ValidationError("--from \(word): expected porkbun, namecheap, mailgun, zoho or all")
                }
                return s
            }
        }
    }

    func validate() throws {
        _ = try sources
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        let tty = isatty(2) != 0
        let request = ImportRequest(
            inventoryDirectory: inventory, outDirectory: out, sources: Set(try sources), unmanaged: unmanagedRecords,
            sandbox: sandbox, rateLimits: !noRateLimits, concurrency: concurrency, state: state,
            progress: { stderr("import: " + $0 + "\n") },
            zoneProgress: progress.enabled(isTTY: tty) ? observeProgress(tty: tty) : nil)
        try await funnel {
            let r = try await ImportSession.run(request)
            for w in r.warnings { stderr("warning: \(w)\n") }
            for (domain, why) in r.leftOut.sorted(by: { $0.key < $1.key }) { stderr("left out \(domain): \(why)\n") }
            print("wrote \(r.files.count) files to \(out): \(r.groups) group\(r.groups == 1 ? "" : "s"), \(r.domains) domains, "
                  + "\(r.mailboxes) mailboxes, \(r.extraRecords) extra records; \(r.leftOut.count) domains left out")
            if r.remaining.isEmpty {
                print("round trip checked: a plan of \(out) against what was read has 0 changes")
            } else {
                print("a plan of \(out) would still make \(r.remaining.count) change\(r.remaining.count == 1 ? "" : "s") (noted in the files):")
                for l in r.remaining { print("  \(l)") }
                // Like `--plan --detailed-exitcode`: written, but not an exact round trip.
                throw ExitCode(2)
            }
        }
    }
}

extension ImportRequest.UnmanagedRecords: ExpressibleByArgument {}
