import Foundation
import GRDB

/// `SendingStore` on the SQLite state file; every operation is one write
/// transaction. Any number of sender processes may share the file: each
/// keeps its own in-memory index, and `reserve` re-checks every limit
/// against the file's reservations inside `BEGIN IMMEDIATE`.
public struct SQLiteSendingStore: SendingStore {
    /// The state file's pool, or a read-only connection (`StateFile.openSending`).
    let pool: any DatabaseWriter

    public init(_ store: StateStore) { self.pool = store.pool }
    init(database: any DatabaseWriter) { self.pool = database }

    public func enqueue(campaign: CampaignRecord, now: Double,
                        recipients: (_ add: (Enrollment) throws -> Void) throws -> Void) throws -> EnqueueReport {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO sending_campaign (id, group_name, definition, step_delays, stop_on_reply, stop_on_bounce, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET definition = excluded.definition, step_delays = excluded.step_delays,
                    stop_on_reply = excluded.stop_on_reply, stop_on_bounce = excluded.stop_on_bounce
                """, arguments: [campaign.id, campaign.group, campaign.definition, JSONCoding.encode(campaign.stepDelays),
                                 campaign.stopOnReply, campaign.stopOnBounce, now])
            // Enrollments with a larger rowid were added by this call: a conflict
            // with one of them is a duplicate row of the file, not an earlier enqueue.
            let firstOwnRow = (try Int64.fetchOne(db, sql: "SELECT MAX(rowid) FROM sending_enrollment") ?? 0) + 1
            // An erased recipient is suppressed by its hash (`forget`); hashing
            // every row costs, so only while such entries exist.
            let erased = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sending_suppression WHERE email LIKE ?)",
                                           arguments: [ErasedRecipient.prefix + "%"]) ?? false
            func hashed(_ email: String) -> String { erased ? ErasedRecipient.hash(email) : email }
            let suppressed = try db.cachedStatement(sql: "SELECT 1 FROM sending_suppression WHERE email IN (?1, ?2)")
            // A plain insert per row; suppressed addresses among the new rows are
            // removed after the stream in one query (see `dropSuppressed`): a
            // suppression subquery in this statement doubled its cost. A skipped
            // row is told apart (suppressed, duplicate, enrolled before) after.
            var enroll = SQLiteRowWriter(try db.makeStatement(sql: """
                INSERT INTO sending_enrollment (campaign_id, email, time_zone, variables, enrolled_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT(campaign_id, email) DO NOTHING
                """))
            // A million rows touch the email-keyed index at random places:
            // a larger page cache for this transaction keeps it from thrashing.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            var report = EnqueueReport()
            try recipients { r in
                let email = EmailAddress.normalize(r.email)
                enroll.bind(.text(campaign.id)); enroll.bind(.text(email)); enroll.bind(SQLiteRowWriter.Value(r.timeZone))
                enroll.bind(.text(JSONCoding.object(r.variables))); enroll.bind(.real(now))
                try enroll.execute(db)
                guard db.changesCount == 1 else {
                    if try Bool.fetchOne(suppressed, arguments: [email, hashed(email)]) == true {
                        report.suppressed += 1
                    } else if try Self.mergeDuplicate(db, campaign: campaign.id, email: email, into: r, firstOwnRow: firstOwnRow) {
                        report.duplicatesMerged += 1
                    } else {
                        report.alreadyEnrolled += 1
                    }
                    return
                }
                report.enrolled += 1
            }
            let dropped = try Self.dropSuppressed(db, campaign: campaign.id, firstOwnRow: firstOwnRow, enrolled: report.enrolled, erased: erased)
            report.enrolled -= dropped
            report.suppressed += dropped
            // The first steps, in one statement once the list is in: read in
            // address order from the enrollment key, they reach the outbox's
            // address-keyed indexes (and its foreign key) in order, where one
            // insert per row in file order touched each at a random place —
            // half of SQLite's time for a million rows. So a new list's first
            // steps queue in address order, not file order.
            try db.execute(sql: """
                INSERT INTO sending_message (campaign_id, email, step, group_name, time_zone, state, not_before)
                SELECT campaign_id, email, 0, ?, time_zone, 'planned', ? FROM sending_enrollment
                WHERE campaign_id = ? AND +rowid >= ? ORDER BY email
                """, arguments: [campaign.group, now, campaign.id, firstOwnRow])
            return report
        }
    }

    /// A repeated address: when its enrollment came from this enqueue, the later
    /// row fills what the first left empty (its first step is planned from the
    /// enrollment after the stream). False when it was enrolled before.
    private static func mergeDuplicate(_ db: Database, campaign: String, email: String, into r: Enrollment, firstOwnRow: Int64) throws -> Bool {
        guard let row = try Row.fetchOne(db, sql: "SELECT rowid, time_zone, variables FROM sending_enrollment WHERE campaign_id = ? AND email = ?",
                                         arguments: [campaign, email]),
              (row["rowid"] as Int64) >= firstOwnRow else { return false }
        var vars: [String: String] = JSONCoding.decode(row["variables"]) ?? [:]
        for (k, v) in r.variables where (vars[k] ?? "").isEmpty { vars[k] = v }
        let zone = (row["time_zone"] as String?) ?? r.timeZone
        try db.execute(sql: "UPDATE sending_enrollment SET variables = ?, time_zone = ? WHERE campaign_id = ? AND email = ?",
                       arguments: [JSONCoding.object(vars), zone, campaign, email])
        return true
    }

    /// Removes what this enqueue enrolled (rowid from `firstOwnRow`) for a
    /// suppressed address, before its first step is planned; returns how many.
    /// Driven by the smaller side: the suppression list probed into the new
    /// enrollments, or the new enrollments probed into the list. Erased
    /// (hashed) entries need every new address hashed, so only while they exist.
    private static func dropSuppressed(_ db: Database, campaign: String, firstOwnRow: Int64, enrolled: Int, erased: Bool) throws -> Int {
        guard enrolled > 0 else { return 0 }
        let listed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sending_suppression") ?? 0
        guard listed > 0 else { return 0 }
        var emails = try String.fetchAll(db, sql: listed < enrolled
            ? """
              SELECT e.email FROM sending_suppression s CROSS JOIN sending_enrollment e ON e.campaign_id = ? AND e.email = s.email
              WHERE e.rowid >= ?
              """
            : """
              SELECT e.email FROM sending_enrollment e WHERE e.rowid >= ? AND e.campaign_id = ?
                AND EXISTS (SELECT 1 FROM sending_suppression s WHERE s.email = e.email)
              """, arguments: listed < enrolled ? [campaign, firstOwnRow] : [firstOwnRow, campaign])
        if erased {
            let hashes = Set(try String.fetchAll(db, sql: "SELECT email FROM sending_suppression WHERE email LIKE ?",
                                                 arguments: [ErasedRecipient.prefix + "%"]))
            let rows = try String.fetchCursor(db, sql: "SELECT email FROM sending_enrollment WHERE rowid >= ? AND campaign_id = ?",
                                              arguments: [firstOwnRow, campaign])
            var seen = Set(emails)
            while let email = try rows.next() {
                if hashes.contains(ErasedRecipient.hash(email)) && seen.insert(email).inserted { emails.append(email) }
            }
        }
        for email in emails {
            try db.execute(sql: "DELETE FROM sending_enrollment WHERE campaign_id = ? AND email = ?", arguments: [campaign, email])
        }
        return emails.count
    }

    public func pendingMessages() throws -> [OutboxMessage] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sending_message WHERE state IN ('planned', 'deferred') ORDER BY not_before, row_id")
                .map(Self.message)
        }
    }

    public func plannedMessages(afterRow row: Int64) throws -> [OutboxMessage] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sending_message WHERE state = 'planned' AND row_id > ? ORDER BY row_id", arguments: [row])
                .map(Self.message)
        }
    }

    public func messages(state: MessageState?) throws -> [OutboxMessage] {
        try pool.read { db in
            if let state {
                return try Row.fetchAll(db, sql: "SELECT * FROM sending_message WHERE state = ? ORDER BY row_id", arguments: [state.rawValue]).map(Self.message)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM sending_message ORDER BY row_id").map(Self.message)
        }
    }

    public func reserve(_ r: Reservation) throws -> ReserveResult {
        // BEGIN IMMEDIATE takes the write lock before the limits are read, so
        // two senders cannot both see the same free slot (sending.md §5.3).
        return try pool.writeWithoutTransaction { db in
            var result: ReserveResult = .refused("")
            try db.inTransaction(.immediate) {
                result = try Self.reserve(db, r)
                return .commit
            }
            return result
        }
    }

    private static func reserve(_ db: Database, _ r: Reservation) throws -> ReserveResult {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sending_message WHERE row_id = ?", arguments: [r.messageRow]) else {
            throw SendingStoreError.unknownMessage(r.messageRow)
        }
        let m = Self.message(row)
        guard m.state == .planned || m.state == .deferred else { return .refused("message is \(m.state.rawValue)") }
        if try Self.isSuppressed(db, email: m.email) {
            try db.execute(sql: "UPDATE sending_message SET state = 'stopped', reply_text = 'recipient suppressed' WHERE row_id = ?", arguments: [m.row])
            return .refused("recipient suppressed")
        }
        if let reason = try String.fetchOne(db, sql: "SELECT stopped_reason FROM sending_enrollment WHERE campaign_id = ? AND email = ?",
                                            arguments: [m.campaign, m.email]) {
            try db.execute(sql: "UPDATE sending_message SET state = 'stopped', reply_text = ? WHERE row_id = ?", arguments: [reason, m.row])
            return .refused("sequence stopped: \(reason)")
        }
        // A mailbox disabled a moment ago (a webhook crossing its threshold) is
        // refused here, whatever the sender's cached view says; the message stays planned.
        if try Bool.fetchOne(db, sql: "SELECT enabled = 0 FROM sending_mailbox_health WHERE address = ?",
                             arguments: [r.mailbox.lowercased()]) == true {
            return .refused(ReserveResult.mailboxDisabled)
        }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM sending_domain_hold WHERE domain = ? LIMIT 1",
                             arguments: [DomainHold.domain(of: r.mailbox)]) == true {
            return .refused(ReserveResult.domainHeld)
        }
        if let limits = r.limits, let refusal = try ledger(db, r).refusal(at: r.at, limits: limits) {
            return .limited(refusal)
        }
        let messageID = m.messageID ?? r.messageID
        try db.execute(sql: """
            INSERT INTO sending_reservation (message_row, mailbox, group_name, at, mailbox_next_at, group_next_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [r.messageRow, r.mailbox.lowercased(), r.group, r.at, r.mailboxNextAt, r.groupNextAt])
        try db.execute(sql: "UPDATE sending_message SET state = 'reserved', mailbox = ?, message_id = ?, sender = ? WHERE row_id = ?",
                       arguments: [r.mailbox.lowercased(), messageID, r.sender, r.messageRow])
        if m.step == 0 {
            try db.execute(sql: "UPDATE sending_enrollment SET sticky_mailbox = ? WHERE campaign_id = ? AND email = ?",
                           arguments: [r.mailbox.lowercased(), m.campaign, m.email])
        }
        return .reserved(messageID: messageID)
    }

    /// Every reservation of the mailbox and the group that could bind `r`,
    /// read inside the reserving transaction (indexes of `sending.4-limits`).
    private static func ledger(_ db: Database, _ r: Reservation) throws -> LimitLedger {
        let mailbox = r.mailbox.lowercased()
        return LimitLedger(
            mailboxNext: try Double.fetchOne(db, sql: "SELECT MAX(mailbox_next_at) FROM sending_reservation WHERE mailbox = ?", arguments: [mailbox]),
            groupNext: try Double.fetchOne(db, sql: "SELECT MAX(group_next_at) FROM sending_reservation WHERE group_name = ?", arguments: [r.group]),
            mailboxDay: try Double.fetchAll(db, sql: "SELECT at FROM sending_reservation WHERE mailbox = ? AND at > ? ORDER BY at",
                                            arguments: [mailbox, r.at - 86_400]),
            groupHour: try Double.fetchAll(db, sql: "SELECT at FROM sending_reservation WHERE group_name = ? AND at > ? ORDER BY at",
                                           arguments: [r.group, r.at - 3_600]))
    }

    public func markAttempting(row: Int64, at: Double) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE sending_message SET state = 'attempting', attempt_at = ?, attempts = attempts + 1 WHERE row_id = ? AND state = 'reserved'",
                           arguments: [at, row])
            if db.changesCount != 1 {
                let state = try String.fetchOne(db, sql: "SELECT state FROM sending_message WHERE row_id = ?", arguments: [row])
                throw SendingStoreError.invalidTransition(row: row, from: state ?? "missing", to: "attempting")
            }
        }
    }

    @discardableResult
    public func settle(row: Int64, outcome: AttemptOutcome, at: Double) throws -> OutboxMessage? {
        try pool.write { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT * FROM sending_message WHERE row_id = ?", arguments: [row]) else {
                throw SendingStoreError.unknownMessage(row)
            }
            let m = Self.message(r)
            guard m.state == .attempting || m.state == .unknown else {
                throw SendingStoreError.invalidTransition(row: row, from: m.state.rawValue, to: outcome.state.rawValue)
            }
            if outcome.state == .planned {
                try Self.settleConfigFault(db, m, outcome)
                return nil
            }
            try db.execute(sql: """
                UPDATE sending_message SET state = ?, settled_at = ?, reply_code = ?, reply_text = ?, phase = ?,
                    not_before = COALESCE(?, not_before) WHERE row_id = ?
                """, arguments: [outcome.state.rawValue, at, outcome.code, outcome.text, outcome.phase, outcome.retryAt, row])
            if outcome.suppressRecipient {
                try Self.suppress(db, email: m.email, reason: "hard bounce", source: "smtp \(outcome.code.map(String.init) ?? "")", at: at)
                try Self.insert(db, SendingEvent(at: at, kind: .hardBounce, email: m.email, mailbox: m.mailbox, messageID: m.messageID, detail: outcome.text))
            }
            guard outcome.state == .accepted else { return nil }
            return try planNextStep(db, after: m, at: at)
        }
    }

    /// Back to planned, nothing counted against the recipient. A first step
    /// forgets its mailbox (and Message-ID, never handed over) so any healthy
    /// mailbox may take it; a follow-up keeps its sticky sender.
    private static func settleConfigFault(_ db: Database, _ m: OutboxMessage, _ outcome: AttemptOutcome) throws {
        try db.execute(sql: """
            UPDATE sending_message SET state = 'planned', reply_code = ?, reply_text = ?, phase = ?,
                mailbox = CASE WHEN step = 0 THEN NULL ELSE mailbox END,
                message_id = CASE WHEN step = 0 THEN NULL ELSE message_id END
            WHERE row_id = ?
            """, arguments: [outcome.code, outcome.text, outcome.phase, m.row])
        if m.step == 0 {
            try db.execute(sql: "UPDATE sending_enrollment SET sticky_mailbox = NULL WHERE campaign_id = ? AND email = ?",
                           arguments: [m.campaign, m.email])
        }
        try db.execute(sql: """
            UPDATE sending_reservation SET config_fault = ?
            WHERE id = (SELECT MAX(id) FROM sending_reservation WHERE message_row = ?)
            """, arguments: [outcome.text, m.row])
    }

    func planNextStep(_ db: Database, after m: OutboxMessage, at: Double) throws -> OutboxMessage? {
        guard let c = try Row.fetchOne(db, sql: "SELECT step_delays FROM sending_campaign WHERE id = ?", arguments: [m.campaign]) else { return nil }
        let delays: [Double] = JSONCoding.decode(c["step_delays"]) ?? []
        let next = m.step + 1
        guard next < delays.count else { return nil }
        let blocked = try Self.isSuppressed(db, email: m.email) || Bool.fetchOne(db, sql: """
            SELECT 1 FROM sending_enrollment WHERE campaign_id = ? AND email = ? AND stopped_reason IS NOT NULL
            """, arguments: [m.campaign, m.email]) == true
        guard !blocked else { return nil }
        try db.execute(sql: """
            INSERT OR IGNORE INTO sending_message (campaign_id, email, step, group_name, time_zone, state, not_before, mailbox)
            VALUES (?, ?, ?, ?, ?, 'planned', ?, ?)
            """, arguments: [m.campaign, m.email, next, m.group, m.timeZone, at + delays[next], m.mailbox])
        guard db.changesCount == 1 else { return nil }
        return try Row.fetchOne(db, sql: "SELECT * FROM sending_message WHERE row_id = ?", arguments: [db.lastInsertedRowID]).map(Self.message)
    }

    public func recoverInterrupted(at: Double, abandoned: (_ sender: String?) -> Bool) throws -> Int {
        try pool.write { db in
            var senders: [String?: Bool] = [:]
            func gone(_ s: String?) -> Bool {
                if let known = senders[s] { return known }
                let g = abandoned(s); senders[s] = g; return g
            }
            let rows = try Row.fetchAll(db, sql: "SELECT row_id, email, mailbox, message_id, sender FROM sending_message WHERE state = 'attempting'")
                .filter { gone($0["sender"]) }
            for r in rows {
                try Self.insert(db, SendingEvent(at: at, kind: .recoveredUnknown, email: r["email"], mailbox: r["mailbox"], messageID: r["message_id"],
                                                 detail: "outcome unknown after restart; not resent"))
            }
            // A reservation that never reached `attempting` was not sent: it goes
            // back to planned (its limits stay consumed). `attempting` may have been sent.
            let reserved = try Row.fetchAll(db, sql: "SELECT row_id, sender FROM sending_message WHERE state = 'reserved'").filter { gone($0["sender"]) }
            for r in reserved {
                try db.execute(sql: "UPDATE sending_message SET state = 'planned' WHERE row_id = ?", arguments: [r["row_id"] as Int64])
            }
            for r in rows {
                try db.execute(sql: "UPDATE sending_message SET state = 'unknown', phase = 'interrupted', settled_at = ? WHERE row_id = ?",
                               arguments: [at, r["row_id"] as Int64])
            }
            return rows.count
        }
    }

    public func limiterSnapshot(now: Double) throws -> LimiterSnapshot {
        try pool.read { db in
            var s = LimiterSnapshot()
            for r in try Row.fetchAll(db, sql: "SELECT mailbox, at FROM sending_reservation WHERE at > ? ORDER BY at", arguments: [now - 86_400]) {
                s.mailboxSends[r["mailbox"], default: []].append(r["at"])
            }
            for r in try Row.fetchAll(db, sql: "SELECT group_name, at FROM sending_reservation WHERE at > ? ORDER BY at", arguments: [now - 3_600]) {
                s.groupSends[r["group_name"], default: []].append(r["at"])
            }
            for r in try Row.fetchAll(db, sql: "SELECT mailbox, MAX(mailbox_next_at) AS n FROM sending_reservation GROUP BY mailbox") {
                s.mailboxNext[r["mailbox"]] = r["n"]
            }
            for r in try Row.fetchAll(db, sql: "SELECT group_name, MAX(group_next_at) AS n FROM sending_reservation GROUP BY group_name") {
                s.groupNext[r["group_name"]] = r["n"]
            }
            s.firstSends = try Self.firstSends(db, address: nil)
            return s
        }
    }

    public func firstSends() throws -> [String: Double] {
        try pool.read { db in try Self.firstSends(db, address: nil) }
    }

    /// Every mailbox's first send, or only `address`'s. A skip scan of the
    /// `(mailbox, at)` index (one seek per mailbox, then the first rows of
    /// that mailbox until one is not a configuration fault), so a log of
    /// millions of reservations costs a few thousand seeks, not a scan.
    static func firstSends(_ db: Database, address: String?) throws -> [String: Double] {
        let first = "SELECT at FROM sending_reservation WHERE mailbox = m.address AND config_fault IS NULL ORDER BY at LIMIT 1"
        let sql = address == nil ? """
            WITH RECURSIVE m(address) AS (
                SELECT MIN(mailbox) FROM sending_reservation
                UNION ALL
                SELECT (SELECT MIN(mailbox) FROM sending_reservation WHERE mailbox > m.address) FROM m WHERE m.address IS NOT NULL
            )
            SELECT address, (\(first)) AS at FROM m WHERE address IS NOT NULL
            """ : "SELECT m.address, (\(first)) AS at FROM (SELECT ? AS address) AS m"
        var out: [String: Double] = [:]
        for r in try Row.fetchAll(db, sql: sql, arguments: address.map { [$0] } ?? []) {
            if let at: Double = r["at"] { out[r["address"]] = at }
        }
        return out
    }

    public func record(event: SendingEvent) throws {
        try pool.write { db in try Self.record(db, event) }
    }

    /// The event and its effects, inside the caller's transaction.
    static func record(_ db: Database, _ event: SendingEvent) throws {
            try Self.insert(db, event)
            guard let email = event.email.map(EmailAddress.normalize) else { return }
            switch event.kind {
            case .hardBounce:
                try Self.suppress(db, email: email, reason: "hard bounce", source: event.messageID, at: event.at)
            case .complaint:
                try Self.suppress(db, email: email, reason: "complaint", source: event.messageID, at: event.at)
            case .unsubscribe:
                try Self.suppress(db, email: email, reason: "unsubscribe", source: event.messageID, at: event.at)
            case .suppressed:
                try Self.suppress(db, email: email, reason: event.detail, source: "manual", at: event.at)
            case .reply:
                try db.execute(sql: """
                    UPDATE sending_enrollment SET stopped_reason = 'replied'
                    WHERE email = ? AND stopped_reason IS NULL AND campaign_id IN (SELECT id FROM sending_campaign WHERE stop_on_reply = 1)
                    """, arguments: [email])
                try Self.stopPlanned(db, email: email, reason: "replied")
            default: break
            }
    }

    public func suppress(email: String, reason: String, source: String?, at: Double) throws {
        try pool.write { db in try Self.suppress(db, email: email, reason: reason, source: source, at: at) }
    }

    public func suppressedEmails() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT email FROM sending_suppression")) }
    }

    public func mailboxHealth() throws -> [String: MailboxHealthRecord] {
        try pool.read { db in try Self.mailboxHealth(db, address: nil) }
    }

    public func updateMailboxHealth(_ h: MailboxHealthRecord, event: SendingEvent?) throws {
        try pool.write { db in try Self.updateMailboxHealth(db, h, event: event) }
    }

    public func mailboxStats(since: Double) throws -> [String: MailboxStats] {
        try pool.read { db in try Self.mailboxStats(db, since: since, address: nil) }
    }

    /// Every mailbox's health record, or only `address`'s.
    static func mailboxHealth(_ db: Database, address: String?) throws -> [String: MailboxHealthRecord] {
        var out: [String: MailboxHealthRecord] = [:]
        let rows = try address.map { try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sending_mailbox_health WHERE address = ?"), arguments: [$0]) }
            ?? Row.fetchAll(db, sql: "SELECT * FROM sending_mailbox_health")
        for r in rows {
            let h = MailboxHealthRecord(address: r["address"], enabled: r["enabled"], reason: r["reason"], changedAt: r["changed_at"],
                                        warmupShiftDays: r["warmup_shift_days"], heldStage: r["held_stage"], heldSince: r["held_since"])
            out[h.address] = h
        }
        return out
    }

    static func updateMailboxHealth(_ db: Database, _ h: MailboxHealthRecord, event: SendingEvent?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO sending_mailbox_health (address, enabled, reason, changed_at, warmup_shift_days, held_stage, held_since)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(address) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason, changed_at = excluded.changed_at,
                warmup_shift_days = excluded.warmup_shift_days, held_stage = excluded.held_stage, held_since = excluded.held_since
            """).execute(arguments: [h.address, h.enabled, h.reason, h.changedAt, h.warmupShiftDays, h.heldStage, h.heldSince])
        if let event { try insert(db, event) }
    }

    /// Every mailbox's stats, or only `address`'s (through the `(mailbox, at)` indexes).
    static func mailboxStats(_ db: Database, since: Double, address: String?) throws -> [String: MailboxStats] {
        var out: [String: MailboxStats] = [:]
        let only = address == nil ? "" : "AND mailbox = ?"
        let arguments: StatementArguments = address.map { [since, $0] } ?? [since]
        // A configuration fault's reservation is no send (AttemptOutcome).
        for r in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT mailbox, COUNT(*) AS n FROM sending_reservation WHERE at >= ? \(only) AND config_fault IS NULL GROUP BY mailbox
            """), arguments: arguments) {
            out[r["mailbox"], default: MailboxStats()].sends = r["n"]
        }
        for r in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT mailbox, SUM(kind = 'bounce.hard') AS b, SUM(kind = 'complaint') AS c FROM sending_event
            WHERE at >= ? \(only) AND mailbox IS NOT NULL GROUP BY mailbox
            """), arguments: arguments) {
            out[r["mailbox"], default: MailboxStats()].bounces = r["b"]
            out[r["mailbox"], default: MailboxStats()].complaints = r["c"]
        }
        return out
    }

    public func campaign(id: String) throws -> CampaignRecord? {
        try pool.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT * FROM sending_campaign WHERE id = ?", arguments: [id]) else { return nil }
            return CampaignRecord(id: r["id"], group: r["group_name"], definition: r["definition"],
                                  stepDelays: JSONCoding.decode(r["step_delays"]) ?? [], stopOnReply: r["stop_on_reply"], stopOnBounce: r["stop_on_bounce"])
        }
    }

    public func messageRecord(row: Int64) throws -> MessageRecord? {
        try pool.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT * FROM sending_message WHERE row_id = ?", arguments: [row]) else { return nil }
            let m = Self.message(r)
            let vars: String = try String.fetchOne(db, sql: "SELECT variables FROM sending_enrollment WHERE campaign_id = ? AND email = ?",
                                                   arguments: [m.campaign, m.email]) ?? "{}"
            let previous = m.step == 0 ? nil : try String.fetchOne(db, sql: """
                SELECT message_id FROM sending_message WHERE campaign_id = ? AND email = ? AND step = ?
                """, arguments: [m.campaign, m.email, m.step - 1])
            return MessageRecord(message: m, variables: JSONCoding.decode(vars) ?? [:], previousMessageID: previous)
        }
    }

    public func events(kind: SendingEventKind?) throws -> [SendingEvent] {
        try pool.read { db in
            let rows = kind == nil
                ? try Row.fetchAll(db, sql: "SELECT * FROM sending_event ORDER BY id")
                : try Row.fetchAll(db, sql: "SELECT * FROM sending_event WHERE kind = ? ORDER BY id", arguments: [kind!.rawValue])
            return rows.map(Self.event)
        }
    }

    /// The events after `id`, oldest first (a tail for the send log).
    public func events(afterID id: Int64, limit: Int) throws -> [SendingEvent] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sending_event WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, limit]).map(Self.event)
        }
    }

    /// The newest event's id (0 when none).
    public func lastEventID() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM sending_event") ?? 0 }
    }

    static func event(_ r: Row) -> SendingEvent {
        SendingEvent(id: r["id"], at: r["at"], kind: SendingEventKind(rawValue: r["kind"]) ?? .delivered, email: r["email"],
                     mailbox: r["mailbox"], messageID: r["message_id"], detail: r["detail"])
    }

    /// Every reservation ever made, in order (audits and reports).
    public func allReservations() throws -> [Reservation] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, m.message_id FROM sending_reservation r JOIN sending_message m ON m.row_id = r.message_row ORDER BY r.id
                """).map { r in
                Reservation(messageRow: r["message_row"], mailbox: r["mailbox"], group: r["group_name"], at: r["at"],
                            mailboxNextAt: r["mailbox_next_at"], groupNextAt: r["group_next_at"], messageID: r["message_id"] ?? "")
            }
        }
    }

    // MARK: - helpers inside a transaction

    static func message(_ r: Row) -> OutboxMessage {
        OutboxMessage(row: r["row_id"], campaign: r["campaign_id"], email: r["email"], step: r["step"], group: r["group_name"],
                      timeZone: r["time_zone"], state: MessageState(rawValue: r["state"]) ?? .planned, notBefore: r["not_before"],
                      mailbox: r["mailbox"], messageID: r["message_id"], attempts: r["attempts"])
    }

    static func insert(_ db: Database, _ e: SendingEvent) throws {
        try db.cachedStatement(sql: "INSERT INTO sending_event (at, kind, email, mailbox, message_id, detail) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [e.at, e.kind.rawValue, e.email, e.mailbox, e.messageID, e.detail])
    }

    static func suppress(_ db: Database, email: String, reason: String, source: String?, at: Double) throws {
        let email = EmailAddress.normalize(email)
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO sending_suppression (email, reason, source, at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [email, reason, source, at])
        try stopPlanned(db, email: email, reason: reason)
    }

    static func stopPlanned(_ db: Database, email: String, reason: String) throws {
        try db.cachedStatement(sql: """
            UPDATE sending_message SET state = 'stopped', reply_text = ?
            WHERE email = ? AND state IN ('planned', 'deferred')
              AND (? != 'replied' OR campaign_id IN (SELECT id FROM sending_campaign WHERE stop_on_reply = 1))
            """).execute(arguments: [reason, email, reason])
    }
}

/// JSON for the few structured columns.
enum JSONCoding {
    static func encode<T: Encodable>(_ value: T) -> String {
        let e = JSONEncoder(); e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
    /// A string map as `encode` writes it (sorted keys), without JSONEncoder's
    /// per-call cost: enqueue writes one per recipient. Built as bytes, since
    /// appending to a String piece by piece cost more than the rest of a row's JSON.
    static func object(_ map: [String: String]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(map.reduce(2) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        for (i, (k, v)) in map.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            string(k, into: &out)
            out.append(UInt8(ascii: ":"))
            string(v, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func string(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        func plain(_ c: UInt8) -> Bool { c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") }
        // Most values need no escaping: copied whole, not scalar by scalar.
        if s.utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(plain) }) ?? s.utf8.allSatisfy(plain) {
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out.append(contentsOf: "\\\"".utf8)
            case "\\": out.append(contentsOf: "\\\\".utf8)
            case "\n": out.append(contentsOf: "\\n".utf8)
            case "\r": out.append(contentsOf: "\\r".utf8)
            case "\t": out.append(contentsOf: "\\t".utf8)
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - h.count) + h).utf8)
                } else {
                    out.append(contentsOf: String(u).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func decode<T: Decodable>(_ text: String?) -> T? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}
