import GRDB

extension SQLiteSendingStore {
    public func domainHolds() throws -> [DomainHold] {
        try pool.read { db in try Self.domainHolds(db) }
    }

    public func replaceDomainHolds(source: DomainHoldSource, with wanted: [String: String], at: Double) throws -> DomainHoldChanges {
        try pool.write { db in
            let (keep, changes) = DomainHold.changes(current: try Self.domainHolds(db), wanted: wanted, source: source, at: at)
            try db.execute(sql: "DELETE FROM sending_domain_hold WHERE source = ?", arguments: [source.rawValue])
            for h in keep {
                try db.execute(sql: "INSERT INTO sending_domain_hold (domain, source, reason, since) VALUES (?, ?, ?, ?)",
                               arguments: [h.domain, h.source.rawValue, h.reason, h.since])
            }
            return changes
        }
    }

    static func domainHolds(_ db: Database) throws -> [DomainHold] {
        try Row.fetchAll(db, sql: "SELECT domain, source, reason, since FROM sending_domain_hold ORDER BY domain, source").map { row in
            DomainHold(domain: row["domain"], source: DomainHoldSource(rawValue: row["source"]), reason: row["reason"], since: row["since"])
        }
    }
}
