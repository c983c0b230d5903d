import Foundation

/// Time behind one seam, for every module: the HTTP layer and rate budgets,
/// the emulators' server-side limits, and the sender's scheduler. Tests and
/// simulations inject a `VirtualClock` so a day of traffic runs in milliseconds.
public protocol FleetClock: Sendable {
    /// Seconds since the Unix epoch. Never runs backwards within one clock.
    func now() -> Double
    /// Suspends until `now() >= deadline` (or returns at once when it already is).
    func sleep(until deadline: Double) async throws
}

extension FleetClock {
    public func sleep(seconds: Double) async throws {
        try await sleep(until: now() + seconds)
    }

    /// Wall-clock time, for HTTP-date `Retry-After` values.
    public func wallDate() -> Date { Date(timeIntervalSince1970: now()) }
}

/// The real clock: wall time at creation, then advanced by the monotonic
/// clock, so a wall-clock step (NTP) can neither stall nor burst a rate budget.
public struct SystemClock: FleetClock {
    private let wallOrigin = Date().timeIntervalSince1970
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let d = ContinuousClock.now - origin
        return wallOrigin + Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    public func sleep(until deadline: Double) async throws {
        let delta = deadline - now()
        if delta > 0 { try await Task.sleep(nanoseconds: UInt64(delta * 1e9)) }
    }
}

/// A clock whose time only moves when someone sleeps or advances it:
/// `sleep(until:)` jumps straight to the deadline, and every computed wait
/// stays observable (`recordedSleeps`).
public final class VirtualClock: FleetClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private var sleeps: [Double] = []

    public init(start: Double = 0) { current = start }

    public func now() -> Double { lock.withLock { current } }

    public func sleep(until deadline: Double) async throws {
        try Task.checkCancellation()
        advance(to: deadline)
    }

    public func advance(by seconds: Double) { lock.withLock { current += seconds } }

    /// Moves to `t` if it is later; a positive move is recorded as a sleep.
    public func advance(to t: Double) {
        lock.withLock { if t > current { sleeps.append(t - current); current = t } }
    }

    /// Every positive wait requested so far, in order.
    public var recordedSleeps: [Double] { lock.withLock { sleeps } }
}
