/// The limits a reservation may not break, checked by the store inside the
/// transaction that records it, against every reservation the store holds —
/// another process's included. That check, not any sender's memory, is what
/// makes the limits hold however many senders share one state (sending.md §5.3).
public struct ReservationLimits: Sendable, Equatable {
    /// At most this many reservations of the mailbox in any 24 h (its warmup stage and daily_max).
    public var mailboxDailyCap: Int
    /// At most this many reservations of the group in any sliding hour.
    public var groupHourlyCap: Int

    public init(mailboxDailyCap: Int, groupHourlyCap: Int) {
        self.mailboxDailyCap = mailboxDailyCap; self.groupHourlyCap = groupHourlyCap
    }
}

/// The limit a reservation would break.
public enum ReservationLimit: String, Sendable, Equatable {
    case mailboxInterval = "mailbox interval"
    case dailyCap = "mailbox daily cap"
    case groupPause = "group pause"
    case hourlyCap = "group hourly cap"
}

/// Nothing consumed: `limit` would break; ask again at `retryAt`.
public struct LimitRefusal: Sendable, Equatable {
    public var limit: ReservationLimit
    public var retryAt: Double
    public init(limit: ReservationLimit, retryAt: Double) { self.limit = limit; self.retryAt = retryAt }
}

/// What a store reads of its reservations to judge a new one; each backend
/// fills it its own way (SQL inside `BEGIN IMMEDIATE`, a locked array), and
/// the rule itself is written once, here.
struct LimitLedger {
    /// The latest `mailbox_next_at` / `group_next_at` recorded.
    var mailboxNext: Double?
    var groupNext: Double?
    /// The mailbox's reservations after `at - 24 h`, and the group's after `at - 1 h`, ascending.
    var mailboxDay: [Double]
    var groupHour: [Double]

    func refusal(at: Double, limits: ReservationLimits) -> LimitRefusal? {
        if let n = groupNext, at < n { return LimitRefusal(limit: .groupPause, retryAt: n) }
        if groupHour.count >= limits.groupHourlyCap {
            // Room again once enough of the hour's sends have slid out of it.
            let k = groupHour.count - limits.groupHourlyCap
            return LimitRefusal(limit: .hourlyCap, retryAt: groupHour.isEmpty ? at + 3_600 : groupHour[k] + 3_600)
        }
        if let n = mailboxNext, at < n { return LimitRefusal(limit: .mailboxInterval, retryAt: n) }
        if mailboxDay.count >= limits.mailboxDailyCap {
            let k = mailboxDay.count - limits.mailboxDailyCap
            return LimitRefusal(limit: .dailyCap, retryAt: mailboxDay.isEmpty ? at + 86_400 : mailboxDay[k] + 86_400)
        }
        return nil
    }
}
