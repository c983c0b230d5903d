/// Randomness behind a seam: seeded in tests and simulations, system-seeded in the daemon.
public protocol RandomSource: Sendable {
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double
}

extension RandomSource {
    public mutating func uniform(_ r: SecondsRange) -> Double { r.lower + (r.upper - r.lower) * nextUnit() }
    public mutating func token(bytes: Int = 12) -> String {
        var s = ""
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        for _ in 0..<(bytes * 4 / 3) { s.append(alphabet[Int(nextUnit() * Double(alphabet.count))]) }
        return s
    }
}

/// SplitMix64: tiny, fast, and the same sequence for the same seed everywhere.
public struct SeededRandom: RandomSource {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}

/// System entropy (Message-IDs and jitter in production must not repeat across restarts).
public struct SystemRandom: RandomSource {
    private var g = SystemRandomNumberGenerator()
    public init() {}
    public mutating func nextUnit() -> Double { Double(g.next() >> 11) * 0x1.0p-53 }
}
