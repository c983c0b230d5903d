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

/// The DNS verdicts on the state file.
public struct DNSVerdictStore: Sendable {
    let pool: DatabasePool

    public init(_ store: StateStore) { self.pool = store.pool }

    public func all() throws -> [DNSVerdictRecord] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM watch_dns_verdict ORDER BY domain").map(Self.record) }
    }

    /// Merges one round into the stored verdicts in one transaction and
    /// returns the merged records: differences count up `failures`, as
    /// declared resets it, an unknown round keeps both and the preflight.
    @discardableResult
    public func record(_ updates: [DNSVerdictUpdate], at: Double) throws -> [DNSVerdictRecord] {
        try pool.write { db in
            try updates.map { u in
                let old = try Row.fetchOne(db, sql: "SELECT * FROM watch_dns_verdict WHERE domain = ?", arguments: [u.domain]).map(Self.record)
                let failures = switch u.status {
                case "differs": (old?.failures ?? 0) + 1
                case "ok": 0
                default: old?.failures ?? 0
                }
                let r = DNSVerdictRecord(domain: u.domain, status: u.status, summary: u.summary,
                                         preflight: u.preflight ?? old?.preflight ?? .unknown,
                                         reason: u.preflight == nil ? old?.reason : u.reason, failures: failures, checkedAt: at,
                                         knownAt: u.preflight == nil ? old?.knownAt : at)
                try db.execute(sql: """
                    INSERT OR REPLACE INTO watch_dns_verdict (domain, status, summary, preflight, reason, failures, checked_at, known_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.domain, r.status, r.summary, r.preflight.rawValue, r.reason, r.failures, r.checkedAt, r.knownAt])
                return r
            }
        }
    }

    static func record(_ r: Row) -> DNSVerdictRecord {
        DNSVerdictRecord(domain: r["domain"], status: r["status"], summary: r["summary"],
                         preflight: DNSVerdictRecord.Preflight(rawValue: r["preflight"]) ?? .unknown, reason: r["reason"],
                         failures: r["failures"], checkedAt: r["checked_at"], knownAt: r["known_at"])
    }
}
