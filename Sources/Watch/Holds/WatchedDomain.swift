import Inventory

/// A domain a watcher judges, with what its alert needs: the group, and
/// whether it is a spare (spares are named in a pause alert as the way out).
public struct WatchedDomain: Sendable, Hashable {
    public var name: String
    public var group: String
    public var role: DomainRole
    /// The Mailgun account (the group's pool) that sends for it.
    public var pool: String

    public init(name: String, group: String, role: DomainRole, pool: String) {
        self.name = name; self.group = group; self.role = role; self.pool = pool
    }

    /// Active and spare domains of every group: retired ones send nothing.
    public static func fleet(_ inventory: Inventory) -> [WatchedDomain] {
        inventory.groups.flatMap { g in
            g.domains.filter { $0.role != .retired }.map { WatchedDomain(name: $0.name, group: g.name, role: $0.role, pool: g.pool) }
        }
    }

    /// "spare domains ready in group G: a.com, b.com" — spares of the
    /// group that no watcher holds and this round does not judge bad.
    public static func sparesLine(group: String, in domains: [WatchedDomain], unavailable: Set<String>) -> String {
        let ready = domains.filter { $0.group == group && $0.role == .spare && !unavailable.contains($0.name) }.map(\.name).sorted()
        return ready.isEmpty ? "no spare domain ready in group \(group)"
            : "spare domain\(ready.count == 1 ? "" : "s") ready in group \(group): \(ready.joined(separator: ", "))"
    }
}
