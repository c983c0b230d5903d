import Foundation

/// Randomness behind one seam: jitter in the clients, fault dice in the
/// emulators, pauses and Message-ID tokens in the sender, example fleets.
/// Implementations are shared by reference, so one stream serves a whole run.
public protocol RandomSource: Sendable {
    /// A uniformly distributed value in [0, 1).
    func nextUnit() -> Double
}

extension RandomSource {
    /// A lowercase alphanumeric token of about `bytes` bytes of entropy.
    public func token(bytes: Int = 12) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<(bytes * 4 / 3)).map { _ in alphabet[Int(nextUnit() * Double(alphabet.count))] })
    }
}

/// System entropy (jitter and Message-IDs in production must not repeat across restarts).
public struct SystemRandom: RandomSource {
    public init() {}
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// A seeded stream: the same seed gives the same sequence on every machine,
/// so a failing fault-injection run or a simulation can be replayed exactly.
public final class SeededRandom: RandomSource, @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public func nextUInt64() -> UInt64 { lock.withLock { generator.next() } }

    public func nextUnit() -> Double { Double(nextUInt64() >> 11) * 0x1.0p-53 }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same sequence
/// for the same seed everywhere. A value type for `shuffle(using:)`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
