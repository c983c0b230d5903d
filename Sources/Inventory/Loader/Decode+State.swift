import Foundation

extension FileDecoder {
    /// `state:` is a file path or `postgres://USER@HOST:PORT/DB`. The
    /// inventory is committed to git, so a URL carrying a password is
    /// refused (without repeating it): libpq reads PGPASSWORD or ~/.pgpass.
    func stateLocation(_ node: YAMLNode, path: String) -> String? {
        guard let s = ctx.nonEmptyString(node, path) else { return nil }
        guard s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") else { return s }
        guard let c = URLComponents(string: s), let host = c.host, !host.isEmpty,
              c.path.count > 1, !c.path.dropFirst().contains("/") else {
            ctx.error(node, path, "not a PostgreSQL URL (expected postgres://USER@HOST:PORT/DB)")
            return nil
        }
        if c.password != nil || (c.queryItems ?? []).contains(where: { $0.name.lowercased() == "password" }) {
            ctx.error(node, path, "a password does not belong in the inventory: put it in PGPASSWORD or ~/.pgpass "
                + "(expected postgres://USER@HOST:PORT/DB)")
            return nil
        }
        return s
    }
}
