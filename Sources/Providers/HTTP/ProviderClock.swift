import Foundation

/// Time as the HTTP layer and the rate budget see it. A seam so tests can run
/// minutes of rate-limited traffic in virtual time.
public protocol ProviderClock: Sendable {
    /// Seconds on a monotonic scale with an arbitrary origin.
    func now() -> Double
    /// Wall-clock time, only for HTTP-date `Retry-After` values.
    func wallDate() -> Date
    /// Suspends until `now() >= deadline` (or returns at once when it already is).
    func sleep(until deadline: Double) async throws
}

extension ProviderClock {
    public func sleep(seconds: Double) async throws {
        try await sleep(until: now() + seconds)
    }
}

/// The real monotonic clock.
public struct SystemClock: ProviderClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        let d = ContinuousClock.now - origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    public func wallDate() -> Date { Date() }

    public func sleep(until deadline: Double) async throws {
        let delta = deadline - now()
        if delta > 0 { try await Task.sleep(nanoseconds: UInt64(delta * 1e9)) }
    }
}

/// A clock whose time only moves when someone sleeps: `sleep(until:)` jumps
/// straight to the deadline. Lets rate-budget tests cover a day of windows
/// in milliseconds while keeping every computed wait observable.
public final class VirtualClock: ProviderClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    private var sleeps: [Double] = []
    private let wallOrigin: Date

    public init(start: Double = 0, wallOrigin: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
        self.wallOrigin = wallOrigin
    }

    public func now() -> Double { lock.withLock { current } }

    public func wallDate() -> Date { wallOrigin.addingTimeInterval(now()) }

    public func sleep(until deadline: Double) async throws {
        try Task.checkCancellation()
        lock.withLock {
            if deadline > current { sleeps.append(deadline - current); current = deadline }
        }
    }

    public func advance(by seconds: Double) { lock.withLock { current += seconds } }

    /// Every positive wait requested so far, in order.
    public var recordedSleeps: [Double] { lock.withLock { sleeps } }
}
