import Foundation

/// `SendingStore` held in memory: the second backend of the protocol. The
/// simulator runs on it so a simulated day never touches the real state
/// file; it keeps the same rules as the SQLite store (suppression checked at
/// reservation, reservations never refunded, follow-ups planned on acceptance).
public final class MemorySendingStore: SendingStore, @unchecked Sendable {
    private let lock = NSLock()
    private var campaigns: [String: CampaignRecord] = [:]
    private struct EnrollmentState { var enrollment: Enrollment; var stopped: String? }
    private var enrollments: [String: [String: EnrollmentState]] = [:]
    private var rows: [Int64: OutboxMessage] = [:]
    private var replies: [Int64: AttemptOutcome] = [:]
    private var nextRow: Int64 = 1
    private var reservations: [Reservation] = []
    /// Who reserved each message (`Reservation.sender`).
    private var senders: [Int64: String] = [:]
    /// The reservations by mailbox and by group, for the limit check.
    private var mailboxLog: [String: (times: [Double], next: Double)] = [:]
    private var groupLog: [String: (times: [Double], next: Double)] = [:]
    /// Indexes into `reservations` whose attempt hit a configuration fault.
    private var faulted: Set<Int> = []
    private var suppression: [String: String] = [:]
    private var eventLog: [SendingEvent] = []
    private var health: [String: MailboxHealthRecord] = [:]
    private var usedMessageIDs: Set<String> = []
    private var feedback: [String: (event: String, campaign: String?)] = [:]
    private var tokens: [String: Double] = [:]
    private var holds: [DomainHold] = []

    public init() {}

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    public func enqueue(campaign: CampaignRecord, now: Double,
                        recipients: (_ add: (Enrollment) throws -> Void) throws -> Void) throws -> EnqueueReport {
        try locked {
            // All or nothing, like the SQLite transaction: restore on a throw.
            let before = (campaigns, enrollments, rows, nextRow)
            do {
                campaigns[campaign.id] = campaign
                var report = EnqueueReport()
                var own: Set<String> = []
                try recipients { r in
                    let email = EmailAddress.normalize(r.email)
                    if isSuppressed(email) { report.suppressed += 1; return }
                    if let existing = enrollments[campaign.id]?[email] {
                        guard own.contains(email) else { report.alreadyEnrolled += 1; return }
                        var merged = existing.enrollment
                        for (k, v) in r.variables where (merged.variables[k] ?? "").isEmpty { merged.variables[k] = v }
                        merged.timeZone = merged.timeZone ?? r.timeZone
                        enrollments[campaign.id]?[email]?.enrollment = merged
                        for (row, m) in rows where m.campaign == campaign.id && m.email == email && m.step == 0 { rows[row]?.timeZone = merged.timeZone }
                        report.duplicatesMerged += 1
                        return
                    }
                    own.insert(email)
                    var stored = r
                    stored.email = email
                    enrollments[campaign.id, default: [:]][email] = EnrollmentState(enrollment: stored, stopped: nil)
                    addMessage(OutboxMessage(row: 0, campaign: campaign.id, email: email, step: 0, group: campaign.group, timeZone: r.timeZone,
                                             state: .planned, notBefore: now, mailbox: nil, messageID: nil, attempts: 0))
                    report.enrolled += 1
                }
                return report
            } catch {
                (campaigns, enrollments, rows, nextRow) = before
                throw error
            }
        }
    }

    @discardableResult
    private func addMessage(_ m: OutboxMessage) -> OutboxMessage {
        var m = m
        m.row = nextRow; nextRow += 1
        rows[m.row] = m
        return m
    }

    public func plannedMessages(afterRow row: Int64) throws -> [OutboxMessage] {
        locked { rows.values.filter { $0.row > row && $0.state == .planned }.sorted { $0.row < $1.row } }
    }

    public func pendingMessages() throws -> [OutboxMessage] {
        locked {
            rows.values.filter { $0.state == .planned || $0.state == .deferred }
                .sorted { ($0.notBefore, $0.row) < ($1.notBefore, $1.row) }
        }
    }

    public func messages(state: MessageState?) throws -> [OutboxMessage] {
        locked { rows.values.filter { state == nil || $0.state == state }.sorted { $0.row < $1.row } }
    }

    public func reserve(_ r: Reservation) throws -> ReserveResult {
        try locked {
            guard var m = rows[r.messageRow] else { throw SendingStoreError.unknownMessage(r.messageRow) }
            guard m.state == .planned || m.state == .deferred else { return .refused("message is \(m.state.rawValue)") }
            if isSuppressed(m.email) {
                m.state = .stopped; rows[m.row] = m
                return .refused("recipient suppressed")
            }
            if let reason = enrollments[m.campaign]?[m.email]?.stopped {
                m.state = .stopped; rows[m.row] = m
                return .refused("sequence stopped: \(reason)")
            }
            if health[r.mailbox.lowercased()]?.enabled == false { return .refused(ReserveResult.mailboxDisabled) }
            if holds.contains(where: { $0.domain == DomainHold.domain(of: r.mailbox) }) { return .refused(ReserveResult.domainHeld) }
            if let limits = r.limits, let refusal = ledger(r).refusal(at: r.at, limits: limits) { return .limited(refusal) }
            let id = m.messageID ?? r.messageID
            reservations.append(r)
            senders[m.row] = r.sender
            let mailbox = r.mailbox.lowercased()
            mailboxLog[mailbox, default: ([], -.infinity)].times.append(r.at)
            mailboxLog[mailbox]!.next = max(mailboxLog[mailbox]!.next, r.mailboxNextAt)
            groupLog[r.group, default: ([], -.infinity)].times.append(r.at)
            groupLog[r.group]!.next = max(groupLog[r.group]!.next, r.groupNextAt)
            m.state = .reserved; m.mailbox = r.mailbox.lowercased(); m.messageID = id
            rows[m.row] = m
            usedMessageIDs.insert(id)
            return .reserved(messageID: id)
        }
    }

    /// The same reading as the SQLite store's, from the per-key logs (called locked).
    private func ledger(_ r: Reservation) -> LimitLedger {
        func recent(_ times: [Double], after cutoff: Double) -> [Double] {
            var i = times.count
            while i > 0 && times[i - 1] > cutoff { i -= 1 }
            return times[i...].sorted()
        }
        let mb = mailboxLog[r.mailbox.lowercased()], g = groupLog[r.group]
        return LimitLedger(mailboxNext: mb?.next, groupNext: g?.next,
                           mailboxDay: recent(mb?.times ?? [], after: r.at - 86_400), groupHour: recent(g?.times ?? [], after: r.at - 3_600))
    }

    public func markAttempting(row: Int64, at: Double) throws {
        try locked {
            guard var m = rows[row] else { throw SendingStoreError.unknownMessage(row) }
            guard m.state == .reserved else { throw SendingStoreError.invalidTransition(row: row, from: m.state.rawValue, to: "attempting") }
            m.state = .attempting; m.attempts += 1
            rows[row] = m
        }
    }

    @discardableResult
    public func settle(row: Int64, outcome: AttemptOutcome, at: Double) throws -> OutboxMessage? {
        try locked {
            guard var m = rows[row] else { throw SendingStoreError.unknownMessage(row) }
            guard m.state == .attempting || m.state == .unknown else {
                throw SendingStoreError.invalidTransition(row: row, from: m.state.rawValue, to: outcome.state.rawValue)
            }
            if outcome.state == .planned {
                // A configuration fault (AttemptOutcome): as SQLiteSendingStore.settleConfigFault.
                m.state = .planned
                if m.step == 0 { m.mailbox = nil; m.messageID = nil }
                rows[row] = m
                replies[row] = outcome
                if let i = reservations.lastIndex(where: { $0.messageRow == row }) { faulted.insert(i) }
                return nil
            }
            m.state = outcome.state
            if let retry = outcome.retryAt { m.notBefore = retry }
            rows[row] = m
            replies[row] = outcome
            if outcome.suppressRecipient {
                suppressLocked(m.email, reason: "hard bounce", at: at)
                eventLog.append(SendingEvent(at: at, kind: .hardBounce, email: m.email, mailbox: m.mailbox, messageID: m.messageID, detail: outcome.text))
            }
            guard outcome.state == .accepted else { return nil }
            return planNextStep(after: m, at: at)
        }
    }

    /// The follow-up of an accepted step, unless the recipient stopped or is suppressed.
    private func planNextStep(after m: OutboxMessage, at: Double) -> OutboxMessage? {
        guard let c = campaigns[m.campaign], m.step + 1 < c.stepCount,
              !isSuppressed(m.email), enrollments[m.campaign]?[m.email]?.stopped == nil,
              !rows.values.contains(where: { $0.campaign == m.campaign && $0.email == m.email && $0.step == m.step + 1 })
        else { return nil }
        return addMessage(OutboxMessage(row: 0, campaign: m.campaign, email: m.email, step: m.step + 1, group: m.group, timeZone: m.timeZone,
                                        state: .planned, notBefore: at + c.stepDelays[m.step + 1], mailbox: m.mailbox, messageID: nil, attempts: 0))
    }

    public func recoverInterrupted(at: Double, abandoned: (_ sender: String?) -> Bool) throws -> Int {
        locked {
            var n = 0
            for (row, m) in rows where (m.state == .attempting || m.state == .reserved) && abandoned(senders[row]) {
                var m = m
                if m.state == .reserved { m.state = .planned } else { m.state = .unknown; n += 1 }
                rows[row] = m
            }
            return n
        }
    }

    public func limiterSnapshot(now: Double) throws -> LimiterSnapshot {
        locked {
            var s = LimiterSnapshot()
            for r in reservations {
                if r.at > now - 86_400 { s.mailboxSends[r.mailbox.lowercased(), default: []].append(r.at) }
                if r.at > now - 3_600 { s.groupSends[r.group, default: []].append(r.at) }
                s.mailboxNext[r.mailbox.lowercased()] = max(s.mailboxNext[r.mailbox.lowercased()] ?? 0, r.mailboxNextAt)
                s.groupNext[r.group] = max(s.groupNext[r.group] ?? 0, r.groupNextAt)
            }
            s.firstSends = firstSendsLocked()
            return s
        }
    }

    public func firstSends() throws -> [String: Double] { locked { firstSendsLocked() } }

    private func firstSendsLocked() -> [String: Double] {
        var out: [String: Double] = [:]
        for (i, r) in reservations.enumerated() where !faulted.contains(i) {
            out[r.mailbox.lowercased()] = min(out[r.mailbox.lowercased()] ?? r.at, r.at)
        }
        return out
    }

    public func record(event: SendingEvent) throws {
        locked {
            eventLog.append(event)
            guard let email = event.email.map(EmailAddress.normalize) else { return }
            switch event.kind {
            case .hardBounce: suppressLocked(email, reason: "hard bounce", at: event.at)
            case .complaint: suppressLocked(email, reason: "complaint", at: event.at)
            case .unsubscribe: suppressLocked(email, reason: "unsubscribe", at: event.at)
            case .suppressed: suppressLocked(email, reason: event.detail, at: event.at)
            case .reply:
                for (cid, c) in campaigns where c.stopOnReply {
                    if enrollments[cid]?[email] != nil, enrollments[cid]?[email]?.stopped == nil { enrollments[cid]?[email]?.stopped = "replied" }
                }
                for (row, m) in rows where m.email == email && (m.state == .planned || m.state == .deferred) && campaigns[m.campaign]?.stopOnReply == true {
                    rows[row]?.state = .stopped
                }
            default: break
            }
        }
    }

    public func recordFeedback(_ f: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult {
        locked {
            if let token {
                tokens = tokens.filter { $0.value >= now }
                if tokens[token] != nil { return .replayedToken }
                tokens[token] = tokenExpiresAt
            }
            guard feedback[f.eventID] == nil else { return .duplicateEvent }
            let m = f.messageID.flatMap { id in rows.values.first { $0.messageID == id } }
            feedback[f.eventID] = (f.event, m?.campaign)
            let email = m?.email ?? f.email
            func event(_ kind: SendingEventKind) {
                eventLog.append(SendingEvent(at: f.at, kind: kind, email: email, mailbox: m?.mailbox, messageID: f.messageID, detail: f.detail))
            }
            switch f.effect {
            case .hardBounce: event(.hardBounce); if let email { suppressLocked(email, reason: "hard bounce", at: f.at) }
            case .complaint: event(.complaint); if let email { suppressLocked(email, reason: "complaint", at: f.at) }
            case .unsubscribe: event(.unsubscribe); if let email { suppressLocked(email, reason: "unsubscribe", at: f.at) }
            case .deferral: event(.softBounce)
            case .delivered:
                if var m, m.state == .unknown {
                    m.state = .accepted
                    rows[m.row] = m
                    event(.delivered)
                    _ = planNextStep(after: m, at: f.at)
                }
            case .opened, .clicked, .none: break
            }
            return .stored(mailbox: m?.mailbox, campaign: m?.campaign)
        }
    }

    public func feedbackCounts() throws -> FeedbackCounts {
        locked {
            var c = FeedbackCounts()
            for v in feedback.values {
                c.byEvent[v.event, default: 0] += 1
                if let campaign = v.campaign { c.byCampaign[campaign, default: [:]][v.event, default: 0] += 1 } else { c.unknownMessages += 1 }
            }
            return c
        }
    }

    public func suppression(email: String) throws -> SuppressionRecord? {
        locked { suppression[EmailAddress.normalize(email)].map { SuppressionRecord(email: EmailAddress.normalize(email), reason: $0, source: nil, at: 0) } }
    }

    public func unsuppress(email: String, reason: String, at: Double) throws -> Bool {
        locked {
            let email = EmailAddress.normalize(email)
            guard suppression.removeValue(forKey: email) != nil else { return false }
            eventLog.append(SendingEvent(at: at, kind: .unsuppressed, email: email, detail: reason))
            return true
        }
    }

    private func suppressLocked(_ email: String, reason: String, at: Double) {
        let email = EmailAddress.normalize(email)
        if suppression[email] == nil { suppression[email] = reason }
        for (row, m) in rows where m.email == email && (m.state == .planned || m.state == .deferred) {
            rows[row]?.state = .stopped
        }
    }

    public func suppress(email: String, reason: String, source: String?, at: Double) throws {
        locked { suppressLocked(email, reason: reason, at: at) }
    }

    public func suppressedEmails() throws -> Set<String> { locked { Set(suppression.keys) } }

    /// By address or, once erased, by hash (inside `locked`).
    private func isSuppressed(_ email: String) -> Bool {
        suppression[email] != nil || suppression[ErasedRecipient.hash(email)] != nil
    }

    public func forget(email: String, at: Double) throws -> ErasureReport {
        locked {
            let email = EmailAddress.normalize(email)
            let hash = ErasedRecipient.hash(email)
            var report = ErasureReport(email: email)
            report.wasSuppressed = isSuppressed(email)
            suppression[hash] = suppression.removeValue(forKey: email) ?? suppression[hash] ?? "erasure request"
            for (cid, byEmail) in enrollments {
                guard var e = byEmail[email] else { continue }
                e.enrollment.email = hash
                e.enrollment.variables = [:]
                e.enrollment.timeZone = nil
                e.stopped = e.stopped ?? "erasure request"
                enrollments[cid]?[email] = nil
                enrollments[cid]?[hash] = e
                report.enrollments += 1
            }
            for (row, m) in rows where m.email == email {
                var m = m
                m.email = hash
                m.timeZone = nil
                if m.state == .planned || m.state == .deferred { m.state = .stopped }
                rows[row] = m
                replies[row] = nil
                report.messages += 1
            }
            for i in eventLog.indices where eventLog[i].email == email {
                eventLog[i].email = hash
                eventLog[i].detail = ""
                report.events += 1
            }
            return report
        }
    }

    public func mailboxHealth() throws -> [String: MailboxHealthRecord] { locked { health } }

    public func domainHolds() throws -> [DomainHold] { locked { holds } }

    public func replaceDomainHolds(source: DomainHoldSource, with wanted: [String: String], at: Double) throws -> DomainHoldChanges {
        locked {
            let (keep, changes) = DomainHold.changes(current: holds, wanted: wanted, source: source, at: at)
            holds = holds.filter { $0.source != source } + keep
            return changes
        }
    }

    public func updateMailboxHealth(_ record: MailboxHealthRecord, event: SendingEvent?) throws {
        locked {
            health[record.address] = record
            if let event { eventLog.append(event) }
        }
    }

    public func mailboxStats(since: Double) throws -> [String: MailboxStats] {
        locked {
            var out: [String: MailboxStats] = [:]
            for (i, r) in reservations.enumerated() where r.at >= since && !faulted.contains(i) { out[r.mailbox.lowercased(), default: MailboxStats()].sends += 1 }
            for e in eventLog where e.at >= since {
                guard let mb = e.mailbox else { continue }
                if e.kind == .hardBounce { out[mb, default: MailboxStats()].bounces += 1 }
                if e.kind == .complaint { out[mb, default: MailboxStats()].complaints += 1 }
            }
            return out
        }
    }

    public func campaign(id: String) throws -> CampaignRecord? { locked { campaigns[id] } }

    public func messageRecord(row: Int64) throws -> MessageRecord? {
        locked {
            guard let m = rows[row] else { return nil }
            let previous = m.step == 0 ? nil : rows.values.first { $0.campaign == m.campaign && $0.email == m.email && $0.step == m.step - 1 }?.messageID
            return MessageRecord(message: m, variables: enrollments[m.campaign]?[m.email]?.enrollment.variables ?? [:], previousMessageID: previous)
        }
    }

    public func events(kind: SendingEventKind?) throws -> [SendingEvent] {
        locked { eventLog.filter { kind == nil || $0.kind == kind } }
    }

    /// An event's id is its position in the log, from 1 (as SQLite's rowids).
    public func events(afterID id: Int64, limit: Int) throws -> [SendingEvent] {
        locked {
            let start = Int(max(0, min(id, Int64(eventLog.count))))
            return eventLog[start...].prefix(limit).enumerated().map { i, e in
                var e = e; e.id = Int64(start + i + 1); return e
            }
        }
    }

    public func lastEventID() throws -> Int64 { locked { Int64(eventLog.count) } }

    /// Every reservation ever made, in order (the simulator's audit trail).
    public func allReservations() -> [Reservation] { locked { reservations } }
}
