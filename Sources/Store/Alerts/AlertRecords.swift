import Foundation

/// What a queued alert says about its condition.
public enum AlertKind: String, Sendable, Codable, CaseIterable {
    /// The condition started.
    case open
    /// The condition ended (sent once, only after an open).
    case clear
    /// A one-off message with no lasting condition (`reconcile alert test`).
    case notice
}

/// A change a source of conditions asks for.
public enum AlertChange: Sendable, Equatable {
    case open(key: String, summary: String)
    case clear(key: String, summary: String)
}

/// One message waiting in (or delivered from) the queue.
public struct QueuedAlert: Sendable, Equatable {
    public var id: Int64
    public var key: String
    public var kind: AlertKind
    public var text: String
    public var at: Double
    public var attempts: Int
    public var nextAttemptAt: Double
    public var lastError: String?
    public var sentAt: Double?

    public init(id: Int64, key: String, kind: AlertKind, text: String, at: Double, attempts: Int = 0,
                nextAttemptAt: Double, lastError: String? = nil, sentAt: Double? = nil) {
        self.id = id; self.key = key; self.kind = kind; self.text = text; self.at = at; self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt; self.lastError = lastError; self.sentAt = sentAt
    }
}

/// A condition that is open now.
public struct OpenCondition: Sendable, Equatable {
    public var key: String
    public var summary: String
    public var openedAt: Double
    public init(key: String, summary: String, openedAt: Double) { self.key = key; self.summary = summary; self.openedAt = openedAt }
}
