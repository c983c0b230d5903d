import Foundation

/// Where the state lives: the SQLite file (the default, one host) or a
/// PostgreSQL database (CI runners and several senders sharing one truth).
public enum StateLocation: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case postgres(PostgresURL)

    /// `postgres://…` or `postgresql://…` is a database; anything else a file path.
    public init(_ text: String) throws {
        self = PostgresURL.isPostgres(text) ? .postgres(try PostgresURL(text)) : .file(text)
    }

    /// The first given of: the `--state` option, `RECONCILE_STATE`, the
    /// inventory's `state:` key, the command's default file.
    public static func resolve(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                               inventory: String? = nil, defaultPath: String) throws -> StateLocation {
        if let option, !option.isEmpty { return try StateLocation(option) }
        if let env = environment["RECONCILE_STATE"], !env.isEmpty { return try StateLocation(env) }
        if let inventory, !inventory.isEmpty { return try StateLocation(inventory) }
        return .file(defaultPath)
    }

    public var isPostgres: Bool { if case .postgres = self { return true } else { return false } }

    /// The file path, or the database's URL without anything secret.
    public var description: String {
        switch self {
        case .file(let path): return path
        case .postgres(let url): return url.redacted
        }
    }
}
