import Foundation

/// `SendingStore` on a PostgreSQL state shared by several sender processes
/// on several hosts: the same rules as `SQLiteSendingStore`, statement for
/// statement, with row locks and advisory locks where SQLite relies on
/// `BEGIN IMMEDIATE` serialising every writer. Each operation is one
/// transaction (READ COMMITTED, see `PostgresDatabase.transaction`).
public struct PostgresSendingStore: SendingStore {
    let db: PostgresDatabase
    let liveness = SenderLiveness()

    /// The sender's store of a PostgreSQL state (`StateStore(postgres:)`).
    public init(_ store: StateStore) {
        guard case .postgres(let db) = store.backend else {
            preconditionFailure("PostgresSendingStore needs a PostgreSQL state; \(store.path) is a SQLite file")
        }
        self.db = db
    }

    init(database: PostgresDatabase) { self.db = database }

    /// Rows per INSERT of `enqueue`: one round trip per thousand recipients.
    static let enqueueBatch = 1_000

    public func enqueue(campaign: CampaignRecord, now: Double,
                        recipients: (_ add: (Enrollment) throws -> Void) throws -> Void) throws -> EnqueueReport {
        try db.transaction { c in
            try c.query("""
                INSERT INTO sending_campaign (id, group_name, definition, step_delays, stop_on_reply, stop_on_bounce, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, step_delays = excluded.step_delays,
                    stop_on_reply = excluded.stop_on_reply, stop_on_bounce = excluded.stop_on_bounce
                """, [campaign.id, campaign.group, campaign.definition, JSONCoding.encode(campaign.stepDelays),
                      campaign.stopOnReply, campaign.stopOnBounce, now])
            // The enrollments this call adds, for the suppression sweep and the
            // first steps after the stream (SQLite tells them apart by rowid;
            // this table has none). Dropped at commit, gone on rollback.
            try c.query("CREATE TEMPORARY TABLE enqueue_own (email TEXT PRIMARY KEY) ON COMMIT DROP")
            let erased = try c.scalar("SELECT EXISTS (SELECT 1 FROM sending_suppression WHERE email LIKE $1)",
                                      [ErasedRecipient.prefix + "%"]) == "t"
            var writer = EnrollmentBatch(campaign: campaign.id, now: now, erased: erased)
            try recipients { r in
                writer.add(r)
                if writer.rows.count >= Self.enqueueBatch { try writer.flush(c) }
            }
            try writer.flush(c)
            var report = writer.report
            let dropped = try Self.dropSuppressed(c, campaign: campaign.id, own: writer.own, erased: erased)
            report.enrolled -= dropped
            report.suppressed += dropped
            // First steps in address order (byte order, as SQLite's), like the SQLite store.
            try c.query("""
                INSERT INTO sending_message (campaign_id, email, step, group_name, time_zone, state, not_before)
                SELECT e.campaign_id, e.email, 0, $1, e.time_zone, 'planned', $2
                FROM sending_enrollment e JOIN enqueue_own o ON o.email = e.email
                WHERE e.campaign_id = $3 ORDER BY e.email COLLATE "C"
                """, [campaign.group, now, campaign.id])
            return report
        }
    }

    /// Removes what this enqueue enrolled for a suppressed address (by
    /// address, or by hash once erased entries exist); returns how many.
    private static func dropSuppressed(_ c: PostgresConnection, campaign: String, own: Set<String>, erased: Bool) throws -> Int {
        guard !own.isEmpty else { return 0 }
        var dropped = try c.query("""
            DELETE FROM sending_enrollment e USING enqueue_own o
            WHERE e.campaign_id = $1 AND e.email = o.email AND EXISTS (SELECT 1 FROM sending_suppression s WHERE s.email = e.email)
            """, [campaign]).affected ?? 0
        if erased {
            let hashes = Set(try c.rows("SELECT email FROM sending_suppression WHERE email LIKE $1", [ErasedRecipient.prefix + "%"]).compactMap { $0[0] })
            let gone = own.filter { hashes.contains(ErasedRecipient.hash($0)) }
            if !gone.isEmpty {
                dropped += try c.query("DELETE FROM sending_enrollment WHERE campaign_id = $1 AND email = ANY($2::text[])",
                                       [campaign, PostgresArray.text(gone.sorted())]).affected ?? 0
            }
        }
        return dropped
    }

    public func pendingMessages() throws -> [OutboxMessage] {
        try db.transaction { c in
            try c.rows("SELECT * FROM sending_message WHERE state IN ('planned', 'deferred') ORDER BY not_before, row_id").map(Self.message)
        }
    }

    public func plannedMessages(afterRow row: Int64) throws -> [OutboxMessage] {
        try db.transaction { c in
            try c.rows("SELECT * FROM sending_message WHERE state = 'planned' AND row_id > $1 ORDER BY row_id", [row]).map(Self.message)
        }
    }

    public func messages(state: MessageState?) throws -> [OutboxMessage] {
        try db.transaction { c in
            if let state {
                return try c.rows("SELECT * FROM sending_message WHERE state = $1 ORDER BY row_id", [state.rawValue]).map(Self.message)
            }
            return try c.rows("SELECT * FROM sending_message ORDER BY row_id").map(Self.message)
        }
    }

    // MARK: - admission

    /// Key spaces of the limit locks (`pg_advisory_xact_lock(int, int)`),
    /// apart from the migrator's and the apply lock's single-bigint keys.
    static let groupLockSpace: Int32 = 0x7267    // "rg"
    static let mailboxLockSpace: Int32 = 0x726d  // "rm"

    public func reserve(_ r: Reservation) throws -> ReserveResult {
        try db.transaction { c in try Self.reserve(c, r) }
    }

    private static func reserve(_ c: PostgresConnection, _ r: Reservation) throws -> ReserveResult {
        // The message row is locked for the whole admission. A row another
        // worker is reserving right now is skipped, not waited for: to this
        // worker it is no longer planned (it will be reserved, or planned
        // again and seen on a later pass).
        guard let row = try c.rows("SELECT * FROM sending_message WHERE row_id = $1 FOR UPDATE SKIP LOCKED", [r.messageRow]).first else {
            guard try c.scalar("SELECT 1 FROM sending_message WHERE row_id = $1", [r.messageRow]) != nil else {
                throw SendingStoreError.unknownMessage(r.messageRow)
            }
            return .refused("message is \(MessageState.reserved.rawValue)")
        }
        let m = message(row)
        guard m.state == .planned || m.state == .deferred else { return .refused("message is \(m.state.rawValue)") }
        if try isSuppressed(c, email: m.email) {
            try c.query("UPDATE sending_message SET state = 'stopped', reply_text = 'recipient suppressed' WHERE row_id = $1", [m.row])
            return .refused("recipient suppressed")
        }
        if let stopped = try c.rows("SELECT stopped_reason FROM sending_enrollment WHERE campaign_id = $1 AND email = $2",
                                    [m.campaign, m.email]).first, let reason = stopped.string("stopped_reason") {
            try c.query("UPDATE sending_message SET state = 'stopped', reply_text = $1 WHERE row_id = $2", [reason, m.row])
            return .refused("sequence stopped: \(reason)")
        }
        let mailbox = r.mailbox.lowercased()
        if try c.scalar("SELECT enabled = 0 FROM sending_mailbox_health WHERE address = $1", [mailbox]) == "t" {
            return .refused(ReserveResult.mailboxDisabled)
        }
        if try c.scalar("SELECT 1 FROM sending_domain_hold WHERE domain = $1 LIMIT 1", [DomainHold.domain(of: r.mailbox)]) != nil {
            return .refused(ReserveResult.domainHeld)
        }
        // Limits hold fleet-wide because every admission of a group, and of a
        // mailbox, reads the log and appends to it under one transaction-scoped
        // advisory lock per name: the next holder's statements (READ COMMITTED,
        // a snapshot per statement) see the previous holder's committed row.
        // Advisory locks rather than `FOR UPDATE` on rows of a per-name table:
        // nothing to create or migrate for a new mailbox or group, no row
        // contention with the health table's writers, released at commit or
        // when the worker's connection dies. Always the group first, then the
        // mailbox, and one of each per transaction: no wait cycle is possible.
        // A hash collision of two names only serialises them, never breaks a limit.
        try c.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [groupLockSpace, r.group])
        try c.query("SELECT pg_advisory_xact_lock($1::int, hashtext($2))", [mailboxLockSpace, mailbox])
        if let limits = r.limits, let refusal = try ledger(c, r).refusal(at: r.at, limits: limits) {
            return .limited(refusal)
        }
        let messageID = m.messageID ?? r.messageID
        try c.query("""
            INSERT INTO sending_reservation (message_row, mailbox, group_name, at, mailbox_next_at, group_next_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """, [r.messageRow, mailbox, r.group, r.at, r.mailboxNextAt, r.groupNextAt])
        try c.query("UPDATE sending_message SET state = 'reserved', mailbox = $1, message_id = $2, sender = $3 WHERE row_id = $4",
                    [mailbox, messageID, r.sender, r.messageRow])
        if m.step == 0 {
            try c.query("UPDATE sending_enrollment SET sticky_mailbox = $1 WHERE campaign_id = $2 AND email = $3", [mailbox, m.campaign, m.email])
        }
        return .reserved(messageID: messageID)
    }

    /// The reservations of the mailbox and the group that could bind `r`, read under their locks.
    private static func ledger(_ c: PostgresConnection, _ r: Reservation) throws -> LimitLedger {
        let mailbox = r.mailbox.lowercased()
        func times(_ sql: String, _ p: [any PostgresEncodable]) throws -> [Double] { try c.rows(sql, p).compactMap { $0[0].flatMap(PostgresRow.parseDouble) } }
        return LimitLedger(
            mailboxNext: try c.scalar("SELECT MAX(mailbox_next_at) FROM sending_reservation WHERE mailbox = $1", [mailbox]).flatMap(PostgresRow.parseDouble),
            groupNext: try c.scalar("SELECT MAX(group_next_at) FROM sending_reservation WHERE group_name = $1", [r.group]).flatMap(PostgresRow.parseDouble),
            mailboxDay: try times("SELECT at FROM sending_reservation WHERE mailbox = $1 AND at > $2 ORDER BY at", [mailbox, r.at - 86_400]),
            groupHour: try times("SELECT at FROM sending_reservation WHERE group_name = $1 AND at > $2 ORDER BY at", [r.group, r.at - 3_600]))
    }

    public func markAttempting(row: Int64, at: Double) throws {
        try db.transaction { c in
            let changed = try c.query("""
                UPDATE sending_message SET state = 'attempting', attempt_at = $1, attempts = attempts + 1 WHERE row_id = $2 AND state = 'reserved'
                """, [at, row]).affected
            if changed != 1 {
                let state = try c.scalar("SELECT state FROM sending_message WHERE row_id = $1", [row])
                throw SendingStoreError.invalidTransition(row: row, from: state ?? "missing", to: "attempting")
            }
        }
    }

    @discardableResult
    public func settle(row: Int64, outcome: AttemptOutcome, at: Double) throws -> OutboxMessage? {
        try db.transaction { c in
            guard let r = try c.rows("SELECT * FROM sending_message WHERE row_id = $1 FOR UPDATE", [row]).first else {
                throw SendingStoreError.unknownMessage(row)
            }
            let m = Self.message(r)
            guard m.state == .attempting || m.state == .unknown else {
                throw SendingStoreError.invalidTransition(row: row, from: m.state.rawValue, to: outcome.state.rawValue)
            }
            if outcome.state == .planned {
                try Self.settleConfigFault(c, m, outcome)
                return nil
            }
            try c.query("""
                UPDATE sending_message SET state = $1, settled_at = $2, reply_code = $3, reply_text = $4, phase = $5,
                    not_before = COALESCE($6, not_before) WHERE row_id = $7
                """, [outcome.state.rawValue, at, outcome.code, outcome.text, outcome.phase, outcome.retryAt, row])
            if outcome.suppressRecipient {
                try Self.suppress(c, email: m.email, reason: "hard bounce", source: "smtp \(outcome.code.map(String.init) ?? "")", at: at)
                try Self.insert(c, SendingEvent(at: at, kind: .hardBounce, email: m.email, mailbox: m.mailbox, messageID: m.messageID, detail: outcome.text))
            }
            guard outcome.state == .accepted else { return nil }
            return try Self.planNextStep(c, after: m, at: at)
        }
    }

    /// As `SQLiteSendingStore.settleConfigFault`: back to planned, the reservation kept but marked.
    private static func settleConfigFault(_ c: PostgresConnection, _ m: OutboxMessage, _ outcome: AttemptOutcome) throws {
        try c.query("""
            UPDATE sending_message SET state = 'planned', reply_code = $1, reply_text = $2, phase = $3,
                mailbox = CASE WHEN step = 0 THEN NULL ELSE mailbox END,
                message_id = CASE WHEN step = 0 THEN NULL ELSE message_id END
            WHERE row_id = $4
            """, [outcome.code, outcome.text, outcome.phase, m.row])
        if m.step == 0 {
            try c.query("UPDATE sending_enrollment SET sticky_mailbox = NULL WHERE campaign_id = $1 AND email = $2", [m.campaign, m.email])
        }
        try c.query("""
            UPDATE sending_reservation SET config_fault = $1
            WHERE id = (SELECT MAX(id) FROM sending_reservation WHERE message_row = $2)
            """, [outcome.text, m.row])
    }

    static func planNextStep(_ c: PostgresConnection, after m: OutboxMessage, at: Double) throws -> OutboxMessage? {
        guard let delaysText = try c.scalar("SELECT step_delays FROM sending_campaign WHERE id = $1", [m.campaign]) else { return nil }
        let delays: [Double] = JSONCoding.decode(delaysText) ?? []
        let next = m.step + 1
        guard next < delays.count else { return nil }
        let blocked = try isSuppressed(c, email: m.email) || c.scalar("""
            SELECT 1 FROM sending_enrollment WHERE campaign_id = $1 AND email = $2 AND stopped_reason IS NOT NULL
            """, [m.campaign, m.email]) != nil
        guard !blocked else { return nil }
        return try c.rows("""
            INSERT INTO sending_message (campaign_id, email, step, group_name, time_zone, state, not_before, mailbox)
            VALUES ($1, $2, $3, $4, $5, 'planned', $6, $7) ON CONFLICT DO NOTHING RETURNING *
            """, [m.campaign, m.email, next, m.group, m.timeZone, at + delays[next], m.mailbox]).first.map(message)
    }

    public func recoverInterrupted(at: Double, abandoned: (_ sender: String?) -> Bool) throws -> Int {
        try db.transaction { c in
            var senders: [String?: Bool] = [:]
            func gone(_ s: String?) throws -> Bool {
                if let known = senders[s] { return known }
                let g = try isGone(s, abandoned: abandoned, c); senders[s] = g; return g
            }
            // Locked: a live sender settling one of these meanwhile waits, then finds it settled.
            let rows = try c.rows("SELECT row_id, email, mailbox, message_id, sender FROM sending_message WHERE state = 'attempting' ORDER BY row_id FOR UPDATE")
                .filter { try gone($0.string("sender")) }
            for r in rows {
                try Self.insert(c, SendingEvent(at: at, kind: .recoveredUnknown, email: r.string("email"), mailbox: r.string("mailbox"),
                                                messageID: r.string("message_id"), detail: "outcome unknown after restart; not resent"))
            }
            // Never reached `attempting`, so not sent: planned again (its limits stay consumed).
            let reserved = try c.rows("SELECT row_id, sender FROM sending_message WHERE state = 'reserved' ORDER BY row_id FOR UPDATE")
                .filter { try gone($0.string("sender")) }
            for r in reserved {
                try c.query("UPDATE sending_message SET state = 'planned' WHERE row_id = $1", [r.int64("row_id")])
            }
            for r in rows {
                try c.query("UPDATE sending_message SET state = 'unknown', phase = 'interrupted', settled_at = $1 WHERE row_id = $2",
                            [at, r.int64("row_id")])
            }
            return rows.count
        }
    }

    public func limiterSnapshot(now: Double) throws -> LimiterSnapshot {
        try db.transaction { c in
            var s = LimiterSnapshot()
            for r in try c.rows("SELECT mailbox, at FROM sending_reservation WHERE at > $1 ORDER BY at", [now - 86_400]) {
                s.mailboxSends[r.string("mailbox")!, default: []].append(r.double("at")!)
            }
            for r in try c.rows("SELECT group_name, at FROM sending_reservation WHERE at > $1 ORDER BY at", [now - 3_600]) {
                s.groupSends[r.string("group_name")!, default: []].append(r.double("at")!)
            }
            for r in try c.rows("SELECT mailbox, MAX(mailbox_next_at) AS n FROM sending_reservation GROUP BY mailbox") {
                s.mailboxNext[r.string("mailbox")!] = r.double("n")
            }
            for r in try c.rows("SELECT group_name, MAX(group_next_at) AS n FROM sending_reservation GROUP BY group_name") {
                s.groupNext[r.string("group_name")!] = r.double("n")
            }
            s.firstSends = try Self.firstSends(c, address: nil)
            return s
        }
    }

    public func firstSends() throws -> [String: Double] {
        try db.transaction { c in try Self.firstSends(c, address: nil) }
    }

    /// Every mailbox's first send, or only `address`'s: the same skip scan
    /// of the `(mailbox, at)` index as the SQLite store's.
    static func firstSends(_ c: PostgresConnection, address: String?) throws -> [String: Double] {
        let first = "SELECT at FROM sending_reservation WHERE mailbox = m.address AND config_fault IS NULL ORDER BY at LIMIT 1"
        let sql = address == nil ? """
            WITH RECURSIVE m(address) AS (
                SELECT MIN(mailbox) FROM sending_reservation
                UNION ALL
                SELECT (SELECT MIN(mailbox) FROM sending_reservation WHERE mailbox > m.address) FROM m WHERE m.address IS NOT NULL
            )
            SELECT address, (\(first)) AS at FROM m WHERE address IS NOT NULL
            """ : "SELECT m.address, (\(first)) AS at FROM (SELECT $1::text AS address) AS m"
        var out: [String: Double] = [:]
        for r in try c.rows(sql, address.map { [$0] } ?? []) {
            if let at = r.double("at"), let a = r.string("address") { out[a] = at }
        }
        return out
    }

    // MARK: - events, suppression, health

    public func record(event: SendingEvent) throws {
        try db.transaction { c in try Self.record(c, event) }
    }

    /// The event and its effects, inside the caller's transaction.
    static func record(_ c: PostgresConnection, _ event: SendingEvent) throws {
        try insert(c, event)
        guard let email = event.email.map(EmailAddress.normalize) else { return }
        switch event.kind {
        case .hardBounce: try suppress(c, email: email, reason: "hard bounce", source: event.messageID, at: event.at)
        case .complaint: try suppress(c, email: email, reason: "complaint", source: event.messageID, at: event.at)
        case .unsubscribe: try suppress(c, email: email, reason: "unsubscribe", source: event.messageID, at: event.at)
        case .suppressed: try suppress(c, email: email, reason: event.detail, source: "manual", at: event.at)
        case .reply:
            try c.query("""
                UPDATE sending_enrollment SET stopped_reason = 'replied'
                WHERE email = $1 AND stopped_reason IS NULL AND campaign_id IN (SELECT id FROM sending_campaign WHERE stop_on_reply = 1)
                """, [email])
            try stopPlanned(c, email: email, reason: "replied")
        default: break
        }
    }

    public func suppress(email: String, reason: String, source: String?, at: Double) throws {
        try db.transaction { c in try Self.suppress(c, email: email, reason: reason, source: source, at: at) }
    }

    public func suppressedEmails() throws -> Set<String> {
        try db.transaction { c in Set(try c.rows("SELECT email FROM sending_suppression").compactMap { $0[0] }) }
    }

    public func mailboxHealth() throws -> [String: MailboxHealthRecord] {
        try db.transaction { c in try Self.mailboxHealth(c, address: nil) }
    }

    public func updateMailboxHealth(_ h: MailboxHealthRecord, event: SendingEvent?) throws {
        try db.transaction { c in try Self.updateMailboxHealth(c, h, event: event) }
    }

    public func mailboxStats(since: Double) throws -> [String: MailboxStats] {
        try db.transaction { c in try Self.mailboxStats(c, since: since, address: nil) }
    }

    static func mailboxHealth(_ c: PostgresConnection, address: String?) throws -> [String: MailboxHealthRecord] {
        var out: [String: MailboxHealthRecord] = [:]
        let rows = try address.map { try c.rows("SELECT * FROM sending_mailbox_health WHERE address = $1", [$0]) }
            ?? c.rows("SELECT * FROM sending_mailbox_health")
        for r in rows {
            let h = MailboxHealthRecord(address: r.string("address")!, enabled: r.bool("enabled") ?? true, reason: r.string("reason"),
                                        changedAt: r.double("changed_at") ?? 0, warmupShiftDays: r.int("warmup_shift_days") ?? 0,
                                        heldStage: r.int("held_stage"), heldSince: r.double("held_since"))
            out[h.address] = h
        }
        return out
    }

    static func updateMailboxHealth(_ c: PostgresConnection, _ h: MailboxHealthRecord, event: SendingEvent?) throws {
        try c.query("""
            INSERT INTO sending_mailbox_health (address, enabled, reason, changed_at, warmup_shift_days, held_stage, held_since)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (address) DO UPDATE SET enabled = excluded.enabled, reason = excluded.reason, changed_at = excluded.changed_at,
                warmup_shift_days = excluded.warmup_shift_days, held_stage = excluded.held_stage, held_since = excluded.held_since
            """, [h.address, h.enabled, h.reason, h.changedAt, h.warmupShiftDays, h.heldStage, h.heldSince])
        if let event { try insert(c, event) }
    }

    static func mailboxStats(_ c: PostgresConnection, since: Double, address: String?) throws -> [String: MailboxStats] {
        var out: [String: MailboxStats] = [:]
        let only = address == nil ? "" : "AND mailbox = $2"
        let p: [any PostgresEncodable] = address.map { [since, $0] } ?? [since]
        // A configuration fault's reservation is no send (AttemptOutcome).
        for r in try c.rows("""
            SELECT mailbox, COUNT(*) AS n FROM sending_reservation WHERE at >= $1 \(only) AND config_fault IS NULL GROUP BY mailbox
            """, p) {
            out[r.string("mailbox")!, default: MailboxStats()].sends = r.int("n") ?? 0
        }
        for r in try c.rows("""
            SELECT mailbox, COUNT(*) FILTER (WHERE kind = 'bounce.hard') AS b, COUNT(*) FILTER (WHERE kind = 'complaint') AS c
            FROM sending_event WHERE at >= $1 \(only) AND mailbox IS NOT NULL GROUP BY mailbox
            """, p) {
            out[r.string("mailbox")!, default: MailboxStats()].bounces = r.int("b") ?? 0
            out[r.string("mailbox")!, default: MailboxStats()].complaints = r.int("c") ?? 0
        }
        return out
    }

    // MARK: - reads

    public func campaign(id: String) throws -> CampaignRecord? {
        try db.transaction { c in
            try c.rows("SELECT * FROM sending_campaign WHERE id = $1", [id]).first.map { r in
                CampaignRecord(id: r.string("id")!, group: r.string("group_name")!, definition: r.string("definition")!,
                               stepDelays: JSONCoding.decode(r.string("step_delays")) ?? [], stopOnReply: r.bool("stop_on_reply") ?? false,
                               stopOnBounce: r.bool("stop_on_bounce") ?? false)
            }
        }
    }

    public func messageRecord(row: Int64) throws -> MessageRecord? {
        try db.transaction { c in
            guard let r = try c.rows("SELECT * FROM sending_message WHERE row_id = $1", [row]).first else { return nil }
            let m = Self.message(r)
            let vars = try c.scalar("SELECT variables FROM sending_enrollment WHERE campaign_id = $1 AND email = $2", [m.campaign, m.email]) ?? "{}"
            let previous = m.step == 0 ? nil : try c.scalar("""
                SELECT message_id FROM sending_message WHERE campaign_id = $1 AND email = $2 AND step = $3
                """, [m.campaign, m.email, m.step - 1])
            return MessageRecord(message: m, variables: JSONCoding.decode(vars) ?? [:], previousMessageID: previous)
        }
    }

    public func events(kind: SendingEventKind?) throws -> [SendingEvent] {
        try db.transaction { c in
            let rows = try kind.map { try c.rows("SELECT * FROM sending_event WHERE kind = $1 ORDER BY id", [$0.rawValue]) }
                ?? c.rows("SELECT * FROM sending_event ORDER BY id")
            return rows.map(Self.event)
        }
    }

    public func events(afterID id: Int64, limit: Int) throws -> [SendingEvent] {
        try db.transaction { c in try c.rows("SELECT * FROM sending_event WHERE id > $1 ORDER BY id LIMIT $2", [id, limit]).map(Self.event) }
    }

    public func lastEventID() throws -> Int64 {
        try db.transaction { c in try c.scalar("SELECT MAX(id) FROM sending_event").flatMap { Int64($0) } ?? 0 }
    }

    public func allReservations() throws -> [Reservation] {
        try db.transaction { c in
            try c.rows("""
                SELECT r.*, m.message_id FROM sending_reservation r JOIN sending_message m ON m.row_id = r.message_row ORDER BY r.id
                """).map { r in
                Reservation(messageRow: r.int64("message_row")!, mailbox: r.string("mailbox")!, group: r.string("group_name")!, at: r.double("at")!,
                            mailboxNextAt: r.double("mailbox_next_at")!, groupNextAt: r.double("group_next_at")!, messageID: r.string("message_id") ?? "")
            }
        }
    }

    // MARK: - helpers inside a transaction

    static func message(_ r: PostgresRow) -> OutboxMessage {
        OutboxMessage(row: r.int64("row_id")!, campaign: r.string("campaign_id")!, email: r.string("email")!, step: r.int("step")!,
                      group: r.string("group_name")!, timeZone: r.string("time_zone"),
                      state: r.string("state").flatMap(MessageState.init(rawValue:)) ?? .planned, notBefore: r.double("not_before")!,
                      mailbox: r.string("mailbox"), messageID: r.string("message_id"), attempts: r.int("attempts") ?? 0)
    }

    static func event(_ r: PostgresRow) -> SendingEvent {
        SendingEvent(id: r.int64("id"), at: r.double("at")!, kind: r.string("kind").flatMap(SendingEventKind.init(rawValue:)) ?? .delivered,
                     email: r.string("email"), mailbox: r.string("mailbox"), messageID: r.string("message_id"), detail: r.string("detail") ?? "")
    }

    static func insert(_ c: PostgresConnection, _ e: SendingEvent) throws {
        try c.query("INSERT INTO sending_event (at, kind, email, mailbox, message_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
                    [e.at, e.kind.rawValue, e.email, e.mailbox, e.messageID, e.detail])
    }

    static func suppress(_ c: PostgresConnection, email: String, reason: String, source: String?, at: Double) throws {
        let email = EmailAddress.normalize(email)
        try c.query("INSERT INTO sending_suppression (email, reason, source, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    [email, reason, source, at])
        try stopPlanned(c, email: email, reason: reason)
    }

    static func stopPlanned(_ c: PostgresConnection, email: String, reason: String) throws {
        try c.query("""
            UPDATE sending_message SET state = 'stopped', reply_text = $1::text
            WHERE email = $2 AND state IN ('planned', 'deferred')
              AND ($1::text <> 'replied' OR campaign_id IN (SELECT id FROM sending_campaign WHERE stop_on_reply = 1))
            """, [reason, email])
    }

    /// The recipient is suppressed by address or, once erased, by hash.
    static func isSuppressed(_ c: PostgresConnection, email: String) throws -> Bool {
        try c.scalar("SELECT 1 FROM sending_suppression WHERE email IN ($1, $2)", [email, ErasedRecipient.hash(email)]) != nil
    }
}
