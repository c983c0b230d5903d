import Foundation

/// `reconcile state show`: what a state is and holds, on either backend.
public struct StateSummary: Sendable, Codable, Hashable {
    public struct TableCount: Sendable, Codable, Hashable {
        public var table: String
        public var rows: Int
    }

    public struct Lock: Sendable, Codable, Hashable {
        public var holder: String
        public var pid: Int32
        public var host: String
        public var since: Date
    }

    /// `sqlite` or `postgresql`.
    public var backend: String
    /// The file path, or the database URL without its query.
    public var location: String
    /// Every applied migration, in the order applied.
    public var migrations: [String]
    /// The newest migration of each concern (`sending`, `reconcile`, …).
    public var latest: [String: String]
    public var tables: [TableCount]
    public var lock: Lock?

    /// Opens the state (a missing file is refused, never created) and reads it.
    public static func read(_ location: StateLocation) throws -> StateSummary {
        if case .file(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw StateFileError.missing(path: path)
        }
        let store = try StateStore(location: location)
        let schema = try StateSchema.current()
        let access = StateTables(store: store, schema: schema)
        let migrations = try access.appliedMigrations()
        let counts = try access.counts(schema.tables)
        let lock = try ApplyLock(store).current().map {
            Lock(holder: $0.owner.holder, pid: $0.owner.pid, host: $0.owner.host, since: $0.acquiredAt)
        }
        return StateSummary(backend: location.isPostgres ? "postgresql" : "sqlite", location: location.description,
                            migrations: migrations, latest: latestPerConcern(migrations),
                            tables: schema.tables.map { TableCount(table: $0.name, rows: counts[$0.name] ?? 0) }.sorted { $0.table < $1.table },
                            lock: lock)
    }

    /// `sending.12-sender` is step 12 of `sending`.
    static func latestPerConcern(_ ids: [String]) -> [String: String] {
        func step(_ id: String) -> Int {
            let rest = id.split(separator: ".", maxSplits: 1).dropFirst().first ?? ""
            return Int(rest.prefix { $0.isNumber }) ?? 0
        }
        var latest: [String: String] = [:]
        for id in ids {
            let concern = String(id.split(separator: ".", maxSplits: 1).first ?? "")
            if let have = latest[concern], step(have) >= step(id) { continue }
            latest[concern] = id
        }
        return latest
    }

    public var text: String {
        var lines = ["State: \(location) (\(backend))", "Schema:"]
        for concern in latest.keys.sorted() { lines.append("  \(concern): \(latest[concern]!)") }
        lines.append("  \(migrations.count) migrations applied")
        lines.append("Rows:")
        let width = tables.map(\.table.count).max() ?? 0
        for t in tables { lines.append("  " + t.table.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(t.rows)") }
        if let lock {
            lines.append("Apply lock: held by \(lock.holder) (pid \(lock.pid) on \(lock.host), since \(lock.since.formatted(.iso8601)))")
        } else {
            lines.append("Apply lock: free")
        }
        return lines.joined(separator: "\n")
    }
}
