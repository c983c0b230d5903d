/// One problem found in the inventory, printed as
/// `FILE:LINE:COL: field.path: message`.
public struct Diagnostic: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning }

    public var severity: Severity
    public var location: SourceLocation
    /// Dotted path of the field (`groups.g1.domains[0].registrar`, `accounts.mailgun-us.api_key`).
    public var path: String
    public var message: String

    public init(_ severity: Severity = .error, at location: SourceLocation, path: String, _ message: String) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
    }

    public var description: String { "\(location): \(path): \(message)" }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location.file, a.location.line, a.location.column, a.path, a.message)
            < (b.location.file, b.location.line, b.location.column, b.path, b.message)
    }
}

/// Thrown when an inventory has at least one error; carries every problem
/// (errors and warnings), sorted.
public struct InventoryError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sorted() }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
