import GRDB

/// The last DNS check verdict of one domain, as stored.
public struct DNSVerdictRecord: Sendable, Equatable, Codable {
    public enum Preflight: String, Sendable, Codable { case pass, fail, unknown }

    public var domain: String
    /// `ok`, `differs` or `could-not-check` (`DomainVerdict.Status`).
    public var status: String
    public var summary: String
    /// The last known preflight: an unknown round keeps the one before it.
    public var preflight: Preflight
    public var reason: String?
    /// Rounds in a row with differences (0 once the domain is as declared).
    public var failures: Int
    public var checkedAt: Double
    public var knownAt: Double?

    public init(domain: String, status: String, summary: String, preflight: Preflight, reason: String?,
                failures: Int, checkedAt: Double, knownAt: Double?) {
        self.domain = domain.lowercased(); self.status = status; self.summary = summary; self.preflight = preflight
        self.reason = reason; self.failures = failures; self.checkedAt = checkedAt; self.knownAt = knownAt
    }
}

/// One round's result for a domain, before it is merged with the stored one.
public struct DNSVerdictUpdate: Sendable, Equatable {
    public var domain: String
    public var status: String
    public var summary: String
    /// Nil: unknown this round (SERVFAIL, timeout): the previous preflight stands.
    public var preflight: DNSVerdictRecord.Preflight?
    public var reason: String?

    public init(domain: String, status: String, summary: String, preflight: DNSVerdictRecord.Preflight?, reason: String?) {
        self.domain = domain.lowercased(); self.status = status; self.summary = summary; self.preflight = preflight; self.reason = reason
    }
}

/// The DNS verdicts on the state (the SQLite file or PostgreSQL).
public struct DNSVerdictStore: Sendable {
    let backend: StateStore.Backend

    public init(_ store: StateStore) { self.backend = store.backend }

    public func all() throws -> [DNSVerdictRecord] {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM watch_dns_verdict ORDER BY domain").map(Self.record) }
        case .postgres(let db):
            return try db.withConnection { c in
                try c.rows("SELECT * FROM watch_dns_verdict ORDER BY domain COLLATE \"C\"").map(Self.record)
            }
        }
    }

    /// Merges one round into the stored verdicts in one transaction and
    /// returns the merged records: differences count up `failures`, as
    /// declared resets it, an unknown round keeps both and the preflight.
    @discardableResult
    public func record(_ updates: [DNSVerdictUpdate], at: Double) throws -> [DNSVerdictRecord] {
        switch backend {
        case .sqlite(let pool):
            return try pool.write { db in
                try updates.map { u in
                    let old = try Row.fetchOne(db, sql: "SELECT * FROM watch_dns_verdict WHERE domain = ?", arguments: [u.domain]).map(Self.record)
                    let r = Self.merge(u, into: old, at: at)
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO watch_dns_verdict (domain, status, summary, preflight, reason, failures, checked_at, known_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [r.domain, r.status, r.summary, r.preflight.rawValue, r.reason, r.failures, r.checkedAt, r.knownAt])
                    return r
                }
            }
        case .postgres(let db):
            return try db.transaction { c in
                // One round at a time, as SQLite's single writer has it: two
                // concurrent rounds would otherwise both count from the same old row.
                try c.query("SELECT pg_advisory_xact_lock($1)", [Self.postgresLockKey])
                return try updates.map { u in
                    let old = try c.rows("SELECT * FROM watch_dns_verdict WHERE domain = $1", [u.domain]).first.map(Self.record)
                    let r = Self.merge(u, into: old, at: at)
                    try c.query("""
                        INSERT INTO watch_dns_verdict (domain, status, summary, preflight, reason, failures, checked_at, known_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (domain) DO UPDATE SET status = excluded.status, summary = excluded.summary,
                          preflight = excluded.preflight, reason = excluded.reason, failures = excluded.failures,
                          checked_at = excluded.checked_at, known_at = excluded.known_at
                        """, [r.domain, r.status, r.summary, r.preflight.rawValue, r.reason, r.failures, r.checkedAt, r.knownAt])
                    return r
                }
            }
        }
    }

    /// `pg_advisory_xact_lock` key of verdict rounds ("rcdv").
    static let postgresLockKey: Int64 = 0x7263_6476

    static func merge(_ u: DNSVerdictUpdate, into old: DNSVerdictRecord?, at: Double) -> DNSVerdictRecord {
        let failures = switch u.status {
        case "differs": (old?.failures ?? 0) + 1
        case "ok": 0
        default: old?.failures ?? 0
        }
        return DNSVerdictRecord(domain: u.domain, status: u.status, summary: u.summary,
                                preflight: u.preflight ?? old?.preflight ?? .unknown,
                                reason: u.preflight == nil ? old?.reason : u.reason, failures: failures, checkedAt: at,
                                knownAt: u.preflight == nil ? old?.knownAt : at)
    }

    static func record(_ r: Row) -> DNSVerdictRecord {
        DNSVerdictRecord(domain: r["domain"], status: r["status"], summary: r["summary"],
                         preflight: DNSVerdictRecord.Preflight(rawValue: r["preflight"]) ?? .unknown, reason: r["reason"],
                         failures: r["failures"], checkedAt: r["checked_at"], knownAt: r["known_at"])
    }

    static func record(_ r: PostgresRow) -> DNSVerdictRecord {
        DNSVerdictRecord(domain: r.string("domain") ?? "", status: r.string("status") ?? "", summary: r.string("summary") ?? "",
                         preflight: r.string("preflight").flatMap(DNSVerdictRecord.Preflight.init(rawValue:)) ?? .unknown,
                         reason: r.string("reason"), failures: r.int("failures") ?? 0, checkedAt: r.double("checked_at") ?? 0,
                         knownAt: r.double("known_at"))
    }
}
