import Foundation

/// `PostgresSendingStore.enqueue`'s rows, written a batch per statement
/// (`unnest` of arrays: one round trip per thousand rows, where a row per
/// statement made a large list wait on the network). Each row skipped by
/// the insert is then told apart as the SQLite store does, in file order:
/// suppressed, a repeat of a row of this call (merged into it), or
/// enrolled by an earlier call.
struct EnrollmentBatch {
    let campaign: String
    let now: Double
    /// Erased (hashed) suppression entries exist: skipped rows are checked by hash too.
    let erased: Bool
    private(set) var rows: [Enrollment] = []
    /// Addresses this call enrolled (also in the temporary `enqueue_own`).
    private(set) var own: Set<String> = []
    private(set) var report = EnqueueReport()

    init(campaign: String, now: Double, erased: Bool) {
        self.campaign = campaign; self.now = now; self.erased = erased
    }

    mutating func add(_ r: Enrollment) {
        rows.append(Enrollment(email: EmailAddress.normalize(r.email), timeZone: r.timeZone, variables: r.variables))
    }

    mutating func flush(_ c: PostgresConnection) throws {
        guard !rows.isEmpty else { return }
        defer { rows.removeAll(keepingCapacity: true) }
        // The first row of each address goes into the insert; the later ones
        // of this batch are skipped rows, judged below once the first is in.
        var first: Set<String> = []
        var emails: [String?] = [], zones: [String?] = [], variables: [String?] = []
        for r in rows where !own.contains(r.email) && first.insert(r.email).inserted {
            emails.append(r.email); zones.append(r.timeZone); variables.append(JSONCoding.object(r.variables))
        }
        let inserted = Set(try c.rows("""
            WITH added AS (
                INSERT INTO sending_enrollment (campaign_id, email, time_zone, variables, enrolled_at)
                SELECT $1, u.email, u.zone, u.variables, $2
                FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(email, zone, variables, n) ORDER BY u.n
                ON CONFLICT (campaign_id, email) DO NOTHING RETURNING email
            ), own AS (INSERT INTO enqueue_own (email) SELECT email FROM added)
            SELECT email FROM added
            """, [campaign, now, PostgresArray.text(emails), PostgresArray.text(zones), PostgresArray.text(variables)]).compactMap { $0[0] })
        var skipped: [Enrollment] = []
        var seen: Set<String> = []
        for r in rows {
            if inserted.contains(r.email) && seen.insert(r.email).inserted {
                report.enrolled += 1
                own.insert(r.email)
            } else {
                skipped.append(r)
            }
        }
        guard !skipped.isEmpty else { return }
        let probes = skipped.flatMap { erased ? [$0.email, ErasedRecipient.hash($0.email)] : [$0.email] }
        let suppressed = Set(try c.rows("SELECT email FROM sending_suppression WHERE email = ANY($1::text[])",
                                        [PostgresArray.text(probes)]).compactMap { $0[0] })
        for r in skipped {
            if suppressed.contains(r.email) || (erased && suppressed.contains(ErasedRecipient.hash(r.email))) {
                report.suppressed += 1
            } else if own.contains(r.email) {
                try merge(c, r)
                report.duplicatesMerged += 1
            } else {
                report.alreadyEnrolled += 1
            }
        }
    }

    /// A repeated address of this call: the later row fills what the first left empty.
    private func merge(_ c: PostgresConnection, _ r: Enrollment) throws {
        guard let row = try c.rows("SELECT time_zone, variables FROM sending_enrollment WHERE campaign_id = $1 AND email = $2",
                                   [campaign, r.email]).first else { return }
        var vars: [String: String] = JSONCoding.decode(row.string("variables")) ?? [:]
        for (k, v) in r.variables where (vars[k] ?? "").isEmpty { vars[k] = v }
        let zone = row.string("time_zone") ?? r.timeZone
        try c.query("UPDATE sending_enrollment SET variables = $1, time_zone = $2 WHERE campaign_id = $3 AND email = $4",
                    [JSONCoding.object(vars), zone, campaign, r.email])
    }
}

/// A text array parameter in PostgreSQL's array literal syntax, every
/// element quoted (so commas, braces, quotes and backslashes are data) and
/// nil as NULL. Sent as a parameter, never spliced into SQL.
enum PostgresArray {
    static func text(_ values: [String?]) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            guard let v else { out += "NULL"; continue }
            out += "\""
            for ch in v.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }

    static func text(_ values: [String]) -> String { text(values.map { Optional($0) }) }
}
