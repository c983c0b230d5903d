import ArgumentParser
import Foundation
import Inventory

/// `reconcile validate`: load, check and compile the inventory into the
/// desired state; print a summary, or every problem as
/// FILE:LINE:COL: path: message and exit 1.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check and compile the inventory and summarise it.",
        discussion: "Errors go to stderr as FILE:LINE:COL: field.path: message, all at once, sorted; the exit code is 1. With --format json the report (summary or errors) is one JSON object on stdout.\n\nExample:\n  reconcile validate --inventory inventory")

    @Option(name: .long, help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() async throws {
        let compiled: CompiledInventory
        do { compiled = try InventoryLoader().loadAndCompile(directory: inventory) } catch {
            guard format == .json else { return try await funnel { throw error } }
            try printJSON(ValidateReport(ok: false, summary: nil, compiled: nil, errors: error.errors.map(JSONDiagnostic.init),
                                         warnings: error.warnings.map(JSONDiagnostic.init)))
            throw ExitCode.failure
        }
        let summary = InventorySummary(compiled.inventory)
        let desired = DesiredStateSummary(compiled.desired)
        switch format {
        case .text:
            print(SummaryText.render(summary, compiled: desired, warnings: compiled.warnings), terminator: "")
        case .json:
            try printJSON(ValidateReport(ok: true, summary: summary, compiled: desired, errors: [],
                                         warnings: compiled.warnings.map(JSONDiagnostic.init)))
        }
    }
}

struct ValidateReport: Encodable {
    var ok: Bool
    var summary: InventorySummary?
    var compiled: DesiredStateSummary?
    var errors: [JSONDiagnostic]
    var warnings: [JSONDiagnostic]
}

struct JSONDiagnostic: Encodable {
    var file: String
    var line: Int
    var column: Int
    var path: String
    var message: String

    init(_ d: Diagnostic) {
        file = d.location.file
        line = d.location.line
        column = d.location.column
        path = d.path
        message = d.message
    }
}
