import ArgumentParser
import Foundation
import Inventory

/// `reconcile validate`: load, check and compile the inventory into the
/// desired state; print a summary, or every problem as
/// FILE:LINE:COL: path: message and exit 1.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and compile the inventory and summarise it.",
        discussion: "Errors go to stderr as FILE:LINE:COL: field.path: message, all at once, sorted; the exit code is 1. With --format json the report (summary or errors) is one JSON object on stdout.")

    @Option(name: .long, help: "The inventory directory (every *.yaml under it is read).")
    var inventory = "inventory"

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        do {
            let result = try InventoryLoader().load(directory: inventory)
            let desired: DesiredState
            do {
                desired = try DesiredStateCompiler().compile(result.inventory)
            } catch {
                throw InventoryError(error.diagnostics + result.warnings)
            }
            let warnings = (result.warnings + desired.warnings).sorted()
            let summary = InventorySummary(result.inventory)
            let compiled = DesiredStateSummary(desired)
            switch format {
            case .text:
                print(SummaryText.render(summary, compiled: compiled, warnings: warnings), terminator: "")
            case .json:
                try printJSON(ValidateReport(ok: true, summary: summary, compiled: compiled, errors: [],
                                             warnings: warnings.map(JSONDiagnostic.init)))
            }
        } catch let error as InventoryError {
            switch format {
            case .text:
                var text = error.errors.map(\.description).joined(separator: "\n") + "\n"
                for w in error.warnings { text += "\(w.location): \(w.path): warning: \(w.message)\n" }
                text += "\(error.errors.count) error\(error.errors.count == 1 ? "" : "s")\n"
                FileHandle.standardError.write(Data(text.utf8))
            case .json:
                try printJSON(ValidateReport(ok: false, summary: nil, compiled: nil, errors: error.errors.map(JSONDiagnostic.init),
                                             warnings: error.warnings.map(JSONDiagnostic.init)))
            }
            throw ExitCode.failure
        }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
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

func printJSON(_ value: some Encodable) throws {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try enc.encode(value), as: UTF8.self))
}
