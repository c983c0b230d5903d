import Foundation

/// The sender's whole view of persistent state: a few transactional
/// operations, no SQL outside the implementation. A PostgreSQL backend
/// (several workers sharing one outbox) implements the same protocol with
/// `FOR UPDATE SKIP LOCKED` in `reserve` and the same limit check inside
/// that transaction (locking the mailbox's and group's rows), without
/// touching the scheduler (DESIGN.md "Growing past one machine").
public protocol SendingStore: Sendable {
    /// Adds a campaign (or updates its definition) and streams its recipients
    /// into one transaction: `recipients` calls `add` once per row, in file
    /// order, and if it throws nothing at all is written. Addresses are keyed
    /// by `EmailAddress.normalize`; suppressed and already-enrolled ones are
    /// skipped and counted; a row repeating an address of the same call merges
    /// into the first (which wins; the later row fills its empty variables and
    /// time zone). The first step of each new enrollment is planned at `now`.
    func enqueue(campaign: CampaignRecord, now: Double,
                 recipients: (_ add: (Enrollment) throws -> Void) throws -> Void) throws -> EnqueueReport

    /// Planned messages and deferred messages due for retry, oldest first.
    func pendingMessages() throws -> [OutboxMessage]
    /// Planned messages added after `row` (new enqueues while the daemon runs).
    func plannedMessages(afterRow row: Int64) throws -> [OutboxMessage]

    /// Admission: in one transaction, checks the message is still planned (or
    /// deferred) and its recipient is not suppressed, checks `limits` against
    /// every reservation stored (another sender's included; `.limited` with
    /// the time to retry, nothing consumed), then records the reservation
    /// (limits consumed, never refunded) and marks it `reserved`.
    func reserve(_ reservation: Reservation) throws -> ReserveResult

    /// Committed before MAIL FROM (sending.md §5.3 rule 2).
    func markAttempting(row: Int64, at: Double) throws

    /// Records the outcome; an accepted step plans the next one (sticky
    /// mailbox, after its delay) unless the recipient stopped or is suppressed;
    /// a hard bounce suppresses the recipient fleet-wide. Returns the follow-up it planned.
    @discardableResult
    func settle(row: Int64, outcome: AttemptOutcome, at: Double) throws -> OutboxMessage?

    /// After a crash: every `attempting` of a sender that `abandoned` says is
    /// gone becomes `unknown` (never resent), its `reserved` ones `planned`
    /// again. Another live sender's messages are left alone. Returns how many became unknown.
    func recoverInterrupted(at: Double, abandoned: (_ sender: String?) -> Bool) throws -> Int

    /// A sender says it runs, for as long as this store lives: on a state
    /// shared across hosts, how other hosts' senders tell it from a dead one
    /// in `recoverInterrupted`. One host's file needs nothing (pids tell).
    func announce(_ sender: SenderIdentity) throws

    /// The limiter's state from the reservations since `now - 24 h`, and every mailbox's first send.
    func limiterSnapshot(now: Double) throws -> LimiterSnapshot

    /// The time of each mailbox's first reservation that was not a
    /// configuration fault (a send attempt), for every mailbox that ever
    /// sent. The warmup clock starts there (`Warmup`): a mailbox absent
    /// from it has never sent, whatever its `warmup.started` says.
    func firstSends() throws -> [String: Double]

    /// Stores a delivery/feedback event; hard bounces, complaints and
    /// unsubscribes suppress the recipient fleet-wide and stop their
    /// planned messages; a reply stops the campaigns that stop on reply.
    func record(event: SendingEvent) throws

    func suppress(email: String, reason: String, source: String?, at: Double) throws
    /// Addresses suppressed, and the hashes of erased ones (`ErasedRecipient`).
    func suppressedEmails() throws -> Set<String>

    /// An erasure request: in one transaction, deletes the recipient's
    /// variables (CSV columns), replaces the address by its hash in the
    /// outbox, the send log and the events, stops their planned messages and
    /// keeps the suppression as the hash, so the address is never enqueued or
    /// sent to again. Nothing that counts against a limit is removed.
    func forget(email: String, at: Double) throws -> ErasureReport

    func mailboxHealth() throws -> [String: MailboxHealthRecord]
    /// Writes a mailbox's health and, when given, the event that explains it, together.
    func updateMailboxHealth(_ record: MailboxHealthRecord, event: SendingEvent?) throws

    /// Attempts (reservations), bounces and complaints per mailbox since `since`.
    func mailboxStats(since: Double) throws -> [String: MailboxStats]

    /// One feedback event in one transaction (issue #11): the signature token
    /// into the replay cache (kept until `tokenExpiresAt`), the event stored
    /// by its id, joined to the outbox by Message-ID, and its effects — hard
    /// bounce or complaint on the sending mailbox and the recipient suppressed,
    /// deferral counted, unsubscribe suppressed, delivered settling an
    /// `unknown` outcome. A replayed token or event id changes nothing.
    func recordFeedback(_ event: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) throws -> FeedbackResult
    /// Group commit: every submission as `recordFeedback` does it, in order,
    /// and `judge` on the mailbox of each stored hard bounce or complaint,
    /// all in one transaction. A submission that fails is undone alone (the
    /// others commit); if the transaction cannot commit, each is retried in
    /// its own. One result per submission, in order; success means committed.
    func recordFeedback(_ batch: [FeedbackSubmission], judge: MailboxJudge?) -> [Result<FeedbackOutcome, any Error>]
    func feedbackCounts() throws -> FeedbackCounts
    func suppression(email: String) throws -> SuppressionRecord?
    /// Removes a suppression and records why; false when there was none.
    /// Messages it stopped stay stopped.
    func unsuppress(email: String, reason: String, at: Double) throws -> Bool

    /// Every domain hold, of every source.
    func domainHolds() throws -> [DomainHold]
    /// Sets `source`'s holds to exactly `holds` (`domain → reason`) in one
    /// transaction: new ones placed at `at`, kept ones keep their `since`,
    /// missing ones released. Other sources' holds are untouched.
    @discardableResult
    func replaceDomainHolds(source: DomainHoldSource, with holds: [String: String], at: Double) throws -> DomainHoldChanges

    func campaign(id: String) throws -> CampaignRecord?
    /// A message with its recipient's variables and the Message-ID of the step before it.
    func messageRecord(row: Int64) throws -> MessageRecord?
    func messages(state: MessageState?) throws -> [OutboxMessage]
    func events(kind: SendingEventKind?) throws -> [SendingEvent]
    /// The events after `id`, oldest first, at most `limit` (a tail for the send log).
    func events(afterID id: Int64, limit: Int) throws -> [SendingEvent]
    /// The newest event's id (0 when none).
    func lastEventID() throws -> Int64
    /// Every reservation ever made, in order (audits and reports).
    func allReservations() throws -> [Reservation]
}

extension SendingStore {
    public func announce(_ sender: SenderIdentity) throws {}

    /// The next thousand events after `id`.
    public func events(afterID id: Int64) throws -> [SendingEvent] { try events(afterID: id, limit: 1000) }

    /// Recovery when this is the only sender: every interrupted message.
    public func recoverInterrupted(at: Double) throws -> Int { try recoverInterrupted(at: at) { _ in true } }

    /// One submission at a time, the judge after its commit: for stores
    /// without transactions (the in-memory one of simulations).
    public func recordFeedback(_ batch: [FeedbackSubmission], judge: MailboxJudge?) -> [Result<FeedbackOutcome, any Error>] {
        batch.map { s in
            Result {
                let result = try recordFeedback(s.event, token: s.token, tokenExpiresAt: s.tokenExpiresAt, now: s.now)
                return try FeedbackOutcome(result, of: s, judge: judge, scope: StoreHealthScope(store: self))
            }
        }
    }

    /// `enqueue` for recipients already in memory (simulations, tests).
    public func enqueue(campaign: CampaignRecord, recipients: [Enrollment], now: Double) throws -> EnqueueReport {
        try enqueue(campaign: campaign, now: now) { add in
            for r in recipients { try add(r) }
        }
    }
}

/// `MailboxHealthScope` through a store's own operations (each its own transaction).
struct StoreHealthScope: MailboxHealthScope {
    let store: any SendingStore
    func health(of address: String) throws -> MailboxHealthRecord? { try store.mailboxHealth()[address] }
    func stats(of address: String, since: Double) throws -> MailboxStats { try store.mailboxStats(since: since)[address] ?? MailboxStats() }
    func firstSend(of address: String) throws -> Double? { try store.firstSends()[address] }
    func update(_ record: MailboxHealthRecord, event: SendingEvent?) throws { try store.updateMailboxHealth(record, event: event) }
}

public enum SendingStoreError: Error, CustomStringConvertible, Equatable {
    case unknownMessage(Int64)
    case invalidTransition(row: Int64, from: String, to: String)

    public var description: String {
        switch self {
        case .unknownMessage(let row): return "no outbox message with row \(row)"
        case .invalidTransition(let row, let from, let to): return "message \(row): cannot go from \(from) to \(to)"
        }
    }
}
