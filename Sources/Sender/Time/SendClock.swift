import Foundation

/// Time as the sender sees it (Unix seconds), injected so a simulated day runs in milliseconds.
public protocol SendClock: Sendable {
    func now() -> Double
    /// Returns when `deadline` is reached (or earlier if the wait is interrupted).
    func sleep(until deadline: Double) async
}

public struct SystemClock: SendClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
    public func sleep(until deadline: Double) async {
        let d = deadline - now()
        if d > 0 { try? await Task.sleep(nanoseconds: UInt64(d * 1_000_000_000)) }
    }
}

/// A clock that jumps to each deadline at once.
public final class VirtualClock: SendClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Double
    public init(start: Double) { current = start }
    public func now() -> Double { lock.lock(); defer { lock.unlock() }; return current }
    public func sleep(until deadline: Double) async { advance(to: deadline) }
    public func advance(to t: Double) { lock.lock(); if t > current { current = t }; lock.unlock() }
}
