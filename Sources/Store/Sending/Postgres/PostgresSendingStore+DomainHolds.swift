extension PostgresSendingStore {
    public func domainHolds() throws -> [DomainHold] {
        try db.transaction { c in try Self.domainHolds(c) }
    }

    public func replaceDomainHolds(source: DomainHoldSource, with wanted: [String: String], at: Double) throws -> DomainHoldChanges {
        try db.transaction { c in
            // Two watchers replacing one source's holds at once: one after the other.
            try c.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [Self.domainHoldLockSpace, source.rawValue])
            let (keep, changes) = DomainHold.changes(current: try Self.domainHolds(c), wanted: wanted, source: source, at: at)
            try c.query("DELETE FROM sending_domain_hold WHERE source = $1", [source.rawValue])
            for h in keep {
                try c.query("INSERT INTO sending_domain_hold (domain, source, reason, since) VALUES ($1, $2, $3, $4)",
                            [h.domain, h.source.rawValue, h.reason, h.since])
            }
            return changes
        }
    }

    static let domainHoldLockSpace: Int32 = 0x7264  // "rd"

    /// In byte order, as SQLite sorts them.
    static func domainHolds(_ c: PostgresConnection) throws -> [DomainHold] {
        try c.rows("""
            SELECT domain, source, reason, since FROM sending_domain_hold ORDER BY domain COLLATE "C", source COLLATE "C"
            """).map { r in
            DomainHold(domain: r.string("domain")!, source: DomainHoldSource(rawValue: r.string("source")!), reason: r.string("reason")!,
                       since: r.double("since")!)
        }
    }
}
