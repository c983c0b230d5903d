/// A delivery-feedback event (a Mailgun webhook) reduced to what the store
/// acts on; the Store does not know Mailgun's wire format.
public struct FeedbackEvent: Sendable, Equatable {
    /// What the event does to our state (issue #11, "Effects").
    public enum Effect: String, Sendable, Codable, CaseIterable {
        /// Permanent failure: hard bounce on the sending mailbox, recipient suppressed.
        case hardBounce = "bounce.hard"
        /// Temporary failure: counted, never a bounce.
        case deferral
        case complaint
        case unsubscribe
        /// Settles an `unknown` outcome of the same message.
        case delivered
        /// Recorded per message and campaign; never health.
        case opened, clicked
        /// Stored and counted only (accepted, already-suppressed drops, …).
        case none

        /// Only these change a mailbox's rates, so only these are judged.
        public var judgesHealth: Bool { self == .hardBounce || self == .complaint }
    }

    /// The provider's event id: the idempotency key.
    public var eventID: String
    /// The provider's own event name (`failed`, `delivered`, …).
    public var event: String
    public var effect: Effect
    public var email: String?
    /// As the outbox stores it, in angle brackets.
    public var messageID: String?
    /// The sending domain whose key verified it.
    public var domain: String
    public var at: Double
    public var detail: String

    public init(eventID: String, event: String, effect: Effect, email: String?, messageID: String?, domain: String, at: Double, detail: String = "") {
        self.eventID = eventID; self.event = event; self.effect = effect; self.email = email.map(EmailAddress.normalize)
        self.messageID = messageID; self.domain = domain; self.at = at; self.detail = detail
    }
}

/// What `recordFeedback` did, all of it in one committed transaction.
public enum FeedbackResult: Sendable, Equatable {
    /// The signature token was seen before (and has not expired): nothing done.
    case replayedToken
    /// The event id was stored before: nothing done.
    case duplicateEvent
    /// Stored with its effects; `mailbox` is the sender of the joined message (nil: not ours).
    case stored(mailbox: String?, campaign: String?)
}

/// Feedback events stored, by provider event name, and how many named no message of ours.
public struct FeedbackCounts: Sendable, Equatable {
    public var byEvent: [String: Int] = [:]
    public var unknownMessages = 0
    /// Events of our own messages by campaign, then by event name (opens and clicks per campaign).
    public var byCampaign: [String: [String: Int]] = [:]
    public init() {}
    public var total: Int { byEvent.values.reduce(0, +) }
}

/// One entry of the suppression list.
public struct SuppressionRecord: Sendable, Equatable {
    public var email: String
    public var reason: String
    public var source: String?
    public var at: Double
    public init(email: String, reason: String, source: String?, at: Double) {
        self.email = email; self.reason = reason; self.source = source; self.at = at
    }
}

/// One authenticated webhook waiting for its commit (`recordFeedback(_:judge:)`).
public struct FeedbackSubmission: Sendable, Equatable {
    public var event: FeedbackEvent
    /// The signature token for the replay cache (nil: none, e.g. a manual entry).
    public var token: String?
    /// Kept in the replay cache until then.
    public var tokenExpiresAt: Double
    public var now: Double

    public init(event: FeedbackEvent, token: String?, tokenExpiresAt: Double, now: Double) {
        self.event = event; self.token = token; self.tokenExpiresAt = tokenExpiresAt; self.now = now
    }
}

/// What one submission did, committed: the store's result and the health
/// record the judge wrote for its mailbox (nil: none changed).
public struct FeedbackOutcome: Sendable, Equatable {
    public var result: FeedbackResult
    public var health: MailboxHealthRecord?
    public init(result: FeedbackResult, health: MailboxHealthRecord? = nil) { self.result = result; self.health = health }

    /// `result` of `s`, and the judgement of its mailbox when it is a new hard bounce or complaint of ours.
    init(_ result: FeedbackResult, of s: FeedbackSubmission, judge: MailboxJudge?, scope: @autoclosure () -> any MailboxHealthScope) throws {
        self.result = result
        guard let judge, case .stored(let mailbox?, _) = result, s.event.effect.judgesHealth else { return }
        health = try judge(mailbox, scope(), s.now)
    }
}

/// One mailbox's health inputs and its write, inside the transaction that
/// stores the feedback: what the judge reads is what it commits against.
public protocol MailboxHealthScope {
    func health(of address: String) throws -> MailboxHealthRecord?
    /// Attempts, bounces and complaints of `address` since `since` (as `mailboxStats`).
    func stats(of address: String, since: Double) throws -> MailboxStats
    /// As `SendingStore.firstSends`, for `address` alone.
    func firstSend(of address: String) throws -> Double?
    func update(_ record: MailboxHealthRecord, event: SendingEvent?) throws
}

/// Judges the mailbox a hard bounce or complaint concerns (the Sender's
/// health rule); returns the record it wrote, nil when nothing changed.
public typealias MailboxJudge = (_ mailbox: String, _ scope: any MailboxHealthScope, _ now: Double) throws -> MailboxHealthRecord?
