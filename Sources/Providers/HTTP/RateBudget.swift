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
/// order and no request is ever sent while the budget is empty. With a
/// `RateLedger` the slots live in it, so every process on the host using the
/// account books against the same history.
public actor RateBudget {
    public nonisolated let windows: [RateWindow]
    /// Extra spacing added to each window, absorbing the jitter between the
    /// moment we send and the moment the provider counts the request.
    public nonisolated let margin: Double
    private let clock: any FleetClock
    private let ledger: (any RateLedger)?
    private var grants: [Double] = []   // ascending slot times, pruned to the longest window
    private var pausedUntil: Double = -.infinity
    public private(set) var granted = 0

    public init(windows: [RateWindow], margin: Double = 0, clock: any FleetClock = SystemClock(), ledger: (any RateLedger)? = nil) {
        self.windows = windows.filter { $0.limit > 0 }
        self.margin = margin
        self.clock = clock
        self.ledger = ledger
    }

    /// Porkbun: "1 request per second per API key" (registrars.md A5).
    public static func porkbun(clock: any FleetClock = SystemClock(), ledger: (any RateLedger)? = nil) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 1, seconds: 1)], margin: 0.02, clock: clock, ledger: ledger)
    }

    /// Namecheap: 20/minute, 700/hour, 8000/day per user (registrars.md B5).
    public static func namecheap(clock: any FleetClock = SystemClock(), ledger: (any RateLedger)? = nil) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 20, seconds: 60), RateWindow(limit: 700, seconds: 3600),
                             RateWindow(limit: 8000, seconds: 86400)], margin: 0.25, clock: clock, ledger: ledger)
    }

    /// Mailgun's domains/webhooks API: 300/minute per account, with a small margin.
    public static func mailgun(clock: any FleetClock = SystemClock(), ledger: (any RateLedger)? = nil) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 300, seconds: 60)], margin: 0.05, clock: clock, ledger: ledger)
    }

    /// Zoho Mail's API: 1 request per second.
    public static func zoho(clock: any FleetClock = SystemClock(), ledger: (any RateLedger)? = nil) -> RateBudget {
        RateBudget(windows: [RateWindow(limit: 1, seconds: 1)], clock: clock, ledger: ledger)
    }

    public static func unlimited(clock: any FleetClock = SystemClock()) -> RateBudget {
        RateBudget(windows: [], clock: clock)
    }

    /// Waits until a request may be sent and counts it against every window.
    public func acquire() async throws {
        let slot = try reserve()
        try await clock.sleep(until: slot)
    }

    /// Books the earliest admissible slot and returns its time (may be now).
    public func reserve() throws -> Double {
        guard let ledger else { return book() }
        return try ledger.update { shared in
            grants = shared.grants
            pausedUntil = max(pausedUntil, shared.pausedUntil)
            let slot = book()
            shared = RateLedgerState(grants: grants, pausedUntil: pausedUntil)
            return slot
        }
    }

    private func book() -> Double {
        let now = clock.now()
        let slot = earliestSlot(now: now)
        grants.append(slot)
        granted += 1
        prune(now: now)
        return slot
    }

    private func earliestSlot(now: Double) -> Double {
        var slot = max(now, pausedUntil, grants.last ?? -.infinity)
        for w in windows where grants.count >= w.limit {
            // The window may hold at most limit-1 earlier grants after this slot's start.
            let blocking = grants[grants.count - w.limit]
            slot = max(slot, blocking + w.seconds + margin)
        }
        return slot
    }

    /// The provider said "slow down": nobody sends before `seconds` from now
    /// (in every process, when the ledger can be written; in this one always).
    public func pause(for seconds: Double) {
        pausedUntil = max(pausedUntil, clock.now() + seconds)
        let until = pausedUntil
        _ = try? ledger?.update { $0.pausedUntil = max($0.pausedUntil, until) }
    }

    /// How long a request asked for now would wait (without booking it).
    public func currentWait() -> Double {
        if let shared = try? ledger?.update({ $0 }) {
            grants = shared.grants
            pausedUntil = max(pausedUntil, shared.pausedUntil)
        }
        let now = clock.now()
        return earliestSlot(now: now) - now
    }

    /// A grant older than the longest window (and its margin) can no longer
    /// constrain any slot from `now` on.
    private func prune(now: Double) {
        let horizon = now - (windows.map(\.seconds).max() ?? 0) - margin
        if let i = grants.firstIndex(where: { $0 > horizon }) {
            if i > 0 { grants.removeFirst(i) }
        } else {
            grants.removeAll()
        }
    }
}
