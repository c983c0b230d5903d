import Foundation

/// A PostgreSQL failure with what the server said and, for statement
/// errors, the SQLSTATE (`40001` serialization failure, `23505` unique
/// violation…). The server's URL never appears: only its redacted form.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case connection, statement, usage }
    public var kind: Kind
    public var sqlState: String?
    public var message: String
    public var server: String

    public init(kind: Kind, sqlState: String? = nil, message: String, server: String) {
        self.kind = kind; self.sqlState = sqlState; self.message = message; self.server = server
    }

    public var description: String {
        switch kind {
        case .connection: return "PostgreSQL state \(server): cannot connect: \(message)"
        case .statement: return "PostgreSQL state \(server): \(message)\(sqlState.map { " (SQLSTATE \($0))" } ?? "")"
        case .usage: return "PostgreSQL state \(server): \(message)"
        }
    }

    /// Worth running the whole transaction again (serialization failure, deadlock).
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    public var isUniqueViolation: Bool { sqlState == "23505" }
}
