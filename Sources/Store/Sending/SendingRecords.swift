import Foundation

/// Where a logical message is in its life (sending.md §5.3):
/// planned → reserved → attempting → accepted | rejected | deferred | unknown.
/// `stopped` is a planned message cancelled by a stop condition or a suppression.
public enum MessageState: String, Sendable, Codable, CaseIterable {
    case planned, reserved, attempting, accepted, rejected, deferred, unknown, stopped
}

/// A campaign as the store keeps it; `definition` is the Sender's own JSON.
public struct CampaignRecord: Sendable, Equatable {
    public var id: String
    public var group: String
    public var definition: String
    /// Seconds to wait after step i-1 was accepted before step i; index 0 is unused.
    public var stepDelays: [Double]
    public var stopOnReply: Bool
    public var stopOnBounce: Bool

    public init(id: String, group: String, definition: String, stepDelays: [Double], stopOnReply: Bool, stopOnBounce: Bool) {
        self.id = id; self.group = group; self.definition = definition
        self.stepDelays = stepDelays; self.stopOnReply = stopOnReply; self.stopOnBounce = stopOnBounce
    }
    public var stepCount: Int { stepDelays.count }
}

/// One recipient of one campaign, already validated and normalised.
public struct Enrollment: Sendable, Equatable {
    public var email: String
    public var timeZone: String?
    public var variables: [String: String]
    public init(email: String, timeZone: String?, variables: [String: String]) {
        self.email = email; self.timeZone = timeZone; self.variables = variables
    }
}

public struct EnqueueReport: Sendable, Equatable {
    public var enrolled = 0
    public var alreadyEnrolled = 0
    public var suppressed = 0
    /// Rows repeating an address earlier in the same enqueue.
    public var duplicatesMerged = 0
    public init() {}
}

/// A message the scheduler may admit: planned, or deferred with its retry time.
public struct OutboxMessage: Sendable, Equatable {
    public var row: Int64
    public var campaign: String
    public var email: String
    public var step: Int
    public var group: String
    public var timeZone: String?
    public var state: MessageState
    public var notBefore: Double
    /// Set for follow-ups (sticky sender) and for retries of a deferred message.
    public var mailbox: String?
    public var messageID: String?
    public var attempts: Int

    public init(row: Int64, campaign: String, email: String, step: Int, group: String, timeZone: String?,
                state: MessageState, notBefore: Double, mailbox: String?, messageID: String?, attempts: Int) {
        self.row = row; self.campaign = campaign; self.email = email; self.step = step; self.group = group
        self.timeZone = timeZone; self.state = state; self.notBefore = notBefore; self.mailbox = mailbox
        self.messageID = messageID; self.attempts = attempts
    }
}

/// Everything one admitted send consumes, written in one transaction.
public struct Reservation: Sendable, Equatable {
    public var messageRow: Int64
    public var mailbox: String
    public var group: String
    public var at: Double
    /// When this mailbox may send again (its random interval drawn now).
    public var mailboxNextAt: Double
    /// When this group may send again (its random pause drawn now).
    public var groupNextAt: Double
    /// The Message-ID to use if the message has none yet (first attempt).
    public var messageID: String
    /// Checked against the store's reservations before this one is recorded;
    /// nil records it unchecked (tests that stage a history).
    public var limits: ReservationLimits?
    /// The reserving process (`SenderIdentity.text`), so another sender's recovery leaves the message alone.
    public var sender: String?

    public init(messageRow: Int64, mailbox: String, group: String, at: Double, mailboxNextAt: Double, groupNextAt: Double, messageID: String,
                limits: ReservationLimits? = nil, sender: String? = nil) {
        self.messageRow = messageRow; self.mailbox = mailbox; self.group = group; self.at = at
        self.mailboxNextAt = mailboxNextAt; self.groupNextAt = groupNextAt; self.messageID = messageID; self.limits = limits
        self.sender = sender
    }
}

public enum ReserveResult: Sendable, Equatable {
    /// Limits consumed; the message is `reserved` with this Message-ID.
    case reserved(messageID: String)
    /// Nothing consumed: the message is no longer planned or its recipient is suppressed.
    case refused(String)
    /// Nothing consumed, the message stays planned: a limit would break
    /// (another sender reserved first); ask again at `retryAt`.
    case limited(LimitRefusal)

    /// The refusal for a mailbox disabled since the sender last read health: the message stays planned.
    public static let mailboxDisabled = "mailbox disabled"
    /// The refusal for a mailbox whose domain is held (`DomainHold`) since the sender last read the holds: the message stays planned.
    public static let domainHeld = "domain held"
}

/// The final word on one attempt.
///
/// `planned` is a configuration fault (SMTP AUTH refused, an API key or
/// endpoint refused, TLS verification or DNS failing): the fault is the
/// operator's, not the recipient's, and nothing was handed over, so the
/// message goes back to planned and its sequence goes on. Its reservation
/// stays consumed against the limits (never refunded) but is marked, so it
/// counts neither as a send nor as a bounce in the mailbox's health.
public struct AttemptOutcome: Sendable, Equatable {
    public var state: MessageState           // accepted | rejected | deferred | unknown | planned (configuration fault)
    public var code: Int?
    public var text: String
    public var phase: String
    public var retryAt: Double?
    /// A hard bounce at RCPT (5.1.x): the address does not exist (sending.md §1.6).
    public var suppressRecipient: Bool

    public init(state: MessageState, code: Int?, text: String, phase: String, retryAt: Double? = nil, suppressRecipient: Bool = false) {
        self.state = state; self.code = code; self.text = text; self.phase = phase
        self.retryAt = retryAt; self.suppressRecipient = suppressRecipient
    }
}

/// A message row as stored, for building and reporting.
public struct MessageRecord: Sendable, Equatable {
    public var message: OutboxMessage
    public var variables: [String: String]
    public var previousMessageID: String?
    public init(message: OutboxMessage, variables: [String: String], previousMessageID: String?) {
        self.message = message; self.variables = variables; self.previousMessageID = previousMessageID
    }
}

/// Limiter state rebuilt at start so a restart does not burst (sending.md §5.3 rule 8).
public struct LimiterSnapshot: Sendable, Equatable {
    /// Reservation times per mailbox within the last 24 h, ascending.
    public var mailboxSends: [String: [Double]] = [:]
    public var mailboxNext: [String: Double] = [:]
    /// Reservation times per group within the last hour, ascending.
    public var groupSends: [String: [Double]] = [:]
    public var groupNext: [String: Double] = [:]
    /// Each mailbox's first send ever (`SendingStore.firstSends`): where its warmup clock starts.
    public var firstSends: [String: Double] = [:]
    public init() {}
}

public enum SendingEventKind: String, Sendable, Codable, CaseIterable {
    case hardBounce = "bounce.hard"
    case softBounce = "bounce.soft"
    case complaint
    case unsubscribe
    case reply
    /// An out-of-office or other automatic answer: recorded, stops nothing.
    case autoReply = "reply.auto"
    case delivered
    case mailboxDisabled = "alert.mailbox_disabled"
    case mailboxEnabled = "mailbox.enabled"
    case recoveredUnknown = "recovered.unknown"
    /// A configuration fault paused a mailbox (for the alerter).
    case configFault = "alert.config_fault"
    /// Manual entries (`reconcile suppress` / `unsuppress`); `detail` is the reason.
    case suppressed = "suppression.added"
    case unsuppressed = "suppression.removed"
}

public struct SendingEvent: Sendable, Equatable {
    public var id: Int64?
    public var at: Double
    public var kind: SendingEventKind
    public var email: String?
    public var mailbox: String?
    public var messageID: String?
    public var detail: String

    public init(id: Int64? = nil, at: Double, kind: SendingEventKind, email: String? = nil, mailbox: String? = nil, messageID: String? = nil, detail: String = "") {
        self.id = id; self.at = at; self.kind = kind; self.email = email?.lowercased()
        self.mailbox = mailbox?.lowercased(); self.messageID = messageID; self.detail = detail
    }
}

/// A mailbox's health switch and warmup hold.
public struct MailboxHealthRecord: Sendable, Equatable {
    public var address: String
    public var enabled: Bool
    public var reason: String?
    public var changedAt: Double
    /// Days the warmup schedule was held back in total (they do not count towards the stage).
    public var warmupShiftDays: Int
    public var heldStage: Int?
    public var heldSince: Double?

    public init(address: String, enabled: Bool, reason: String? = nil, changedAt: Double, warmupShiftDays: Int = 0, heldStage: Int? = nil, heldSince: Double? = nil) {
        self.address = address.lowercased(); self.enabled = enabled; self.reason = reason; self.changedAt = changedAt
        self.warmupShiftDays = warmupShiftDays; self.heldStage = heldStage; self.heldSince = heldSince
    }
}

/// Sends and negative signals of one mailbox over a trailing window.
public struct MailboxStats: Sendable, Equatable {
    public var sends = 0
    public var bounces = 0
    public var complaints = 0
    public init(sends: Int = 0, bounces: Int = 0, complaints: Int = 0) {
        self.sends = sends; self.bounces = bounces; self.complaints = complaints
    }
}
