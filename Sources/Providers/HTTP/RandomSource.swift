import Foundation

/// Randomness as a seam: jitter in the client, fault dice in the emulators.
public protocol RandomSource: Sendable {
    /// A uniformly distributed value in [0, 1).
    func nextUnit() -> Double
}

public struct SystemRandomSource: RandomSource {
    public init() {}
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// SplitMix64: the same seed gives the same sequence on every machine, so a
/// failing fault-injection run can be replayed exactly.
public final class SeededRandomSource: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public func nextUInt64() -> UInt64 {
        lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    public func nextUnit() -> Double { Double(nextUInt64() >> 11) / Double(1 << 53) }
}
