import Foundation
import Inventory

/// Errors the operator acts on: each names the file, line and field when there is one.
public enum SenderError: Error, CustomStringConvertible, Equatable {
    case invalidInput(file: String, line: Int?, field: String, message: String)
    case many([SenderError])
    case configuration(String)
    /// Problems found by the located YAML reader: `FILE:LINE:COL: path: message`, sorted.
    case located([Diagnostic])

    public var description: String {
        switch self {
        case .invalidInput(let file, let line, let field, let message):
            return "\(file)\(line.map { ":\($0)" } ?? ""): \(field): \(message)"
        case .many(let errors):
            return errors.map(\.description).joined(separator: "\n")
        case .configuration(let m):
            return m
        case .located(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
