import Foundation
import Providers

/// The limits a *server* enforces, as the real provider does. This is the
/// emulator's own model, deliberately not the client's `RateBudget`: the client
/// schedules politely, the server only counts and refuses.
public struct ServerRateLimits: Sendable, Codable, Equatable {
    /// Sliding windows counted over admitted requests (Namecheap 20/min, 700/h, 8000/day).
    public var windows: [RateWindow]
    /// Token bucket: `rate` per second, up to `burst` at once (Porkbun ~2/s, bursts of 5).
    public var bucketRate: Double?
    public var bucketBurst: Double?
    /// A flood of more than `banThreshold` refused requests within `banWindow`
    /// seconds blocks the key for `banSeconds` (Porkbun, registrars.md A5).
    public var banThreshold: Int?
    public var banWindow: Double
    public var banSeconds: Double

    public init(windows: [RateWindow] = [], bucketRate: Double? = nil, bucketBurst: Double? = nil,
                banThreshold: Int? = nil, banWindow: Double = 60, banSeconds: Double = 300) {
        self.windows = windows
        self.bucketRate = bucketRate
        self.bucketBurst = bucketBurst
        self.banThreshold = banThreshold
        self.banWindow = banWindow
        self.banSeconds = banSeconds
    }

    public static let unlimited = ServerRateLimits()

    /// Porkbun's server side: about 2 requests/s with bursts up to 5; more than
    /// 100 rapid requests block the key for minutes (registrars.md A5).
    public static let porkbun = ServerRateLimits(bucketRate: 2, bucketBurst: 5, banThreshold: 100, banWindow: 60, banSeconds: 300)

    /// Namecheap: 20/minute, 700/hour, 8000/day per user (registrars.md B5).
    public static let namecheap = ServerRateLimits(windows: [
        RateWindow(limit: 20, seconds: 60), RateWindow(limit: 700, seconds: 3600), RateWindow(limit: 8000, seconds: 86400),
    ])

    public var isUnlimited: Bool { windows.isEmpty && bucketRate == nil }
}

/// Counts requests per key and says whether the next one is admitted.
public final class ServerRateLimiter: Sendable {
    public let limits: ServerRateLimits
    private let clock: any FleetClock
    private struct KeyState {
        var admitted: [Double] = []
        var tokens: Double
        var lastRefill: Double
        var refusals: [Double] = []
        var bannedUntil: Double = -.infinity
    }
    private let states = Locked<[String: KeyState]>([:])

    public init(limits: ServerRateLimits, clock: any FleetClock = SystemClock()) {
        self.limits = limits
        self.clock = clock
    }

    /// Records the request and returns true when it may proceed.
    public func admit(key: String) -> Bool {
        if limits.isUnlimited { return true }
        let now = clock.now()
        return states.withValue { all in
            var s = all[key] ?? KeyState(tokens: limits.bucketBurst ?? 0, lastRefill: now)
            defer { all[key] = s }
            if now < s.bannedUntil { return false }
            var ok = true
            for w in limits.windows {
                let inWindow = s.admitted.reversed().prefix { $0 > now - w.seconds }.count
                if inWindow >= w.limit { ok = false }
            }
            if let rate = limits.bucketRate, let burst = limits.bucketBurst {
                s.tokens = min(burst, s.tokens + (now - s.lastRefill) * rate)
                s.lastRefill = now
                if s.tokens < 1 { ok = false } else if ok { s.tokens -= 1 }
            }
            if ok {
                s.admitted.append(now)
                let longest = limits.windows.map(\.seconds).max() ?? 0
                if s.admitted.count > 2 * (limits.windows.map(\.limit).max() ?? 0) + 64 {
                    s.admitted.removeAll { $0 <= now - longest }
                }
                return true
            }
            if let threshold = limits.banThreshold {
                s.refusals.append(now)
                s.refusals.removeAll { $0 <= now - limits.banWindow }
                if s.refusals.count > threshold { s.bannedUntil = now + limits.banSeconds; s.refusals = [] }
            }
            return false
        }
    }

    /// Forgets all counts (tests reuse one emulator across phases).
    public func reset() { states.value = [:] }
}
