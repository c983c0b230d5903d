/// Telegram's limits for one chat (monitoring.md, Bot FAQ): about one
/// message a second, and 20 a minute in a group. The alerter sends only
/// when both allow; what piles up meanwhile goes out as one digest.
public struct AlertPacing: Sendable, Equatable {
    public var minInterval: Double
    public var perMinute: Int
    public init(minInterval: Double = 1, perMinute: Int = 20) { self.minInterval = minInterval; self.perMinute = perMinute }
}

/// The send times of the last minute, in memory (a restart starts afresh:
/// at most one message early, never a burst).
public struct AlertPacer: Sendable {
    public let pacing: AlertPacing
    private(set) var sent: [Double] = []

    public init(pacing: AlertPacing) { self.pacing = pacing }

    /// The earliest time a message may go out.
    public func nextAllowed() -> Double {
        var t = (sent.last ?? -.infinity) + pacing.minInterval
        if sent.count >= pacing.perMinute { t = max(t, sent[sent.count - pacing.perMinute] + 60) }
        return t
    }

    public func allows(_ now: Double) -> Bool { now >= nextAllowed() }

    public mutating func record(_ now: Double) {
        sent.append(now)
        sent.removeAll { $0 <= now - 60 }
    }
}
