/// One sliding window: at most `limit` requests in any `seconds`-long span.
public struct RateWindow: Sendable, Hashable, Codable {
    public var limit: Int
    public var seconds: Double

    public init(limit: Int, seconds: Double) {
        self.limit = limit
        self.seconds = seconds
    }
}

/// The request budget of one provider account, shared by every concurrent
/// caller. Several windows hold at once (Namecheap: 20/min, 700/h, 8000/day,
/// registrars.md B5). A caller reserves the earliest slot that keeps every
/// window within its limit *before* waiting, so concurrent callers queue in
/// order and no request is ever sent while the budget is empty.
public actor RateBudget {
    public nonisolated let windows: [RateWindow]
    /// Extra spacing added to each window, absorbing the jitter between the
    /// moment we send and the moment the provider counts the request.
    public nonisolated let margin: Double
    private let clock: any FleetClock
    private var grants: [Double] = []   // ascending slot times, pruned to the longest window
    private var pausedUntil: Double = -.infinity
    public private(set) var granted = 0

    public init(windows: [RateWindow], margin: Double = 0, clock: any FleetClock = SystemClock()) {
        self.windows = windows.filter { $0.limit > 0 }
        self.margin = margin
        self.clock = clock
    }

    /// Porkbun: "1 request per second per API key" (registrars.md A5).
    public static func porkbun(clock: any FleetClock = SystemClock()) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 1, seconds: 1)], margin: 0.02, clock: clock)
    }

    /// Namecheap: 20/minute, 700/hour, 8000/day per user (registrars.md B5).
    public static func namecheap(clock: any FleetClock = SystemClock()) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 20, seconds: 60), RateWindow(limit: 700, seconds: 3600),
                             RateWindow(limit: 8000, seconds: 86400)], margin: 0.25, clock: clock)
    }

    public static func unlimited(clock: any FleetClock = SystemClock()) -> RateBudget {
        RateBudget(windows: [], clock: clock)
    }

    /// Waits until a request may be sent and counts it against every window.
    public func acquire() async throws {
        let slot = reserve()
        try await clock.sleep(until: slot)
    }

    /// Books the earliest admissible slot and returns its time (may be now).
    public func reserve() -> Double {
        let now = clock.now()
        var slot = max(now, pausedUntil, grants.last ?? -.infinity)
        for w in windows where grants.count >= w.limit {
            // The window may hold at most limit-1 earlier grants after this slot's start.
            let blocking = grants[grants.count - w.limit]
            slot = max(slot, blocking + w.seconds + margin)
        }
        grants.append(slot)
        granted += 1
        prune(before: slot)
        return slot
    }

    /// The provider said "slow down": nobody sends before `seconds` from now.
    public func pause(for seconds: Double) {
        pausedUntil = max(pausedUntil, clock.now() + seconds)
    }

    /// How long a request asked for now would wait (without booking it).
    public func currentWait() -> Double {
        let now = clock.now()
        var slot = max(now, pausedUntil, grants.last ?? -.infinity)
        for w in windows where grants.count >= w.limit {
            slot = max(slot, grants[grants.count - w.limit] + w.seconds + margin)
        }
        return slot - now
    }

    private func prune(before slot: Double) {
        // Only the last `limit` grants of each window ever constrain a slot.
        let keep = windows.map(\.limit).max() ?? 0
        if grants.count > 2 * keep + 64 { grants.removeFirst(grants.count - keep) }
    }
}
