import Foundation

/// `postgres://USER@HOST:PORT/DB` (or `postgresql://`), as libpq reads it.
/// A password never goes in the URL — it would land in shell history, CI
/// logs and the "locked by" messages — but in `PGPASSWORD` or `~/.pgpass`,
/// which libpq reads itself.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public let connectionString: String
    public let user: String?
    public let host: String
    public let port: Int?
    public let database: String

    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws {
        func bad(_ why: String) -> PostgresError {
            PostgresError(kind: .usage, message: "\(why) (expected postgres://USER@HOST:PORT/DB)", server: Self.redact(text))
        }
        guard Self.isPostgres(text), let c = URLComponents(string: text), let host = c.host, !host.isEmpty else {
            throw bad("not a PostgreSQL URL")
        }
        if c.password != nil || (c.queryItems ?? []).contains(where: { $0.name.lowercased() == "password" }) {
            throw bad("a password does not belong in the URL: put it in PGPASSWORD or ~/.pgpass")
        }
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !db.isEmpty, !db.contains("/") else { throw bad("the URL names no database") }
        var conninfo = text
        // Fail fast on a dead host instead of libpq's default wait forever.
        if !(c.queryItems ?? []).contains(where: { $0.name == "connect_timeout" }) {
            conninfo += (c.query == nil ? "?" : "&") + "connect_timeout=10"
        }
        if !(c.queryItems ?? []).contains(where: { $0.name == "application_name" }) {
            conninfo += "&application_name=reconcile"
        }
        connectionString = conninfo
        user = c.user
        self.host = host
        port = c.port
        database = db
    }

    /// What messages show: the URL without any query string.
    public var redacted: String {
        "postgres://\(user.map { $0 + "@" } ?? "")\(host)\(port.map { ":\($0)" } ?? "")/\(database)"
    }
    public var description: String { redacted }

    static func redact(_ text: String) -> String {
        guard let c = URLComponents(string: text) else { return "(unparsable PostgreSQL URL)" }
        var r = c
        r.password = nil
        r.query = nil
        return r.string ?? "(unparsable PostgreSQL URL)"
    }
}
