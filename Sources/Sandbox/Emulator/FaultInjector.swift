import Foundation
import Providers

/// How often each kind of failure is injected. Probabilities are independent
/// slices of one die roll per request, so their sum must stay ≤ 1.
public struct FaultProfile: Sendable, Codable, Equatable {
    /// A plain 500/502 answer.
    public var serverError: Double
    /// The provider's own "unavailable" page (Porkbun's 503 HTML, registrars.md A5).
    public var unavailablePage: Double
    /// Hang past the client's timeout (`hangSeconds`), then answer.
    public var timeout: Double
    /// Close the connection without answering.
    public var drop: Double
    /// Answer normally after `slowSeconds`.
    public var slow: Double
    public var hangSeconds: Double
    public var slowSeconds: Double
    /// Share of timeouts and drops that happen *after* the request was executed:
    /// the nasty case where a write landed but the client never heard.
    public var afterExecutionShare: Double

    public init(serverError: Double = 0, unavailablePage: Double = 0, timeout: Double = 0, drop: Double = 0,
                slow: Double = 0, hangSeconds: Double = 35, slowSeconds: Double = 0.3, afterExecutionShare: Double = 0.5) {
        self.serverError = serverError
        self.unavailablePage = unavailablePage
        self.timeout = timeout
        self.drop = drop
        self.slow = slow
        self.hangSeconds = hangSeconds
        self.slowSeconds = slowSeconds
        self.afterExecutionShare = afterExecutionShare
    }

    public static let none = FaultProfile()

    /// `total` spread evenly over every fault kind (what `--faults P` means).
    public static func uniform(_ total: Double, hangSeconds: Double = 35) -> FaultProfile {
        let p = total / 5
        return FaultProfile(serverError: p, unavailablePage: p, timeout: p, drop: p, slow: p, hangSeconds: hangSeconds)
    }

    public var total: Double { serverError + unavailablePage + timeout + drop + slow }
}

public enum Fault: Sendable, Equatable {
    case serverError(status: Int)
    case unavailablePage
    case timeout(hangSeconds: Double, afterExecution: Bool)
    case drop(afterExecution: Bool)
    case slow(seconds: Double)

    public var name: String {
        switch self {
        case .serverError: return "serverError"
        case .unavailablePage: return "unavailablePage"
        case .timeout: return "timeout"
        case .drop: return "drop"
        case .slow: return "slow"
        }
    }
}

/// Seeded and deterministic: the n-th request gets the n-th decision, so a
/// failing run replays with the same seed. Endpoints can be exempted
/// (e.g. a test's own verification reads).
public final class FaultInjector: Sendable {
    public let profile: FaultProfile
    public let seed: UInt64
    private let random: SeededRandom
    private let state = Locked<Bool>(true)
    /// When set, only these endpoints get faults (a test aiming at one call).
    public let onlyEndpoints: Set<String>?

    public init(profile: FaultProfile = .none, seed: UInt64 = 1, onlyEndpoints: Set<String>? = nil) {
        self.profile = profile
        self.seed = seed
        self.onlyEndpoints = onlyEndpoints
        random = SeededRandom(seed: seed)
    }

    /// Turns injection on or off at run time (tests disable it to read back the truth).
    public var enabled: Bool {
        get { state.value }
        set { state.value = newValue }
    }

    public func setEnabled(_ on: Bool) { state.value = on }

    /// The fault for the next request to `endpoint`, or nil.
    public func next(endpoint: String? = nil) -> Fault? {
        guard profile.total > 0 else { return nil }
        if let only = onlyEndpoints, !only.contains(endpoint ?? "") { return nil }
        let roll = random.nextUnit()
        let after = random.nextUnit() < profile.afterExecutionShare
        let status = random.nextUnit() < 0.5 ? 500 : 502
        guard state.value else { return nil }
        var edge = profile.serverError
        if roll < edge { return .serverError(status: status) }
        edge += profile.unavailablePage
        if roll < edge { return .unavailablePage }
        edge += profile.timeout
        if roll < edge { return .timeout(hangSeconds: profile.hangSeconds, afterExecution: after) }
        edge += profile.drop
        if roll < edge { return .drop(afterExecution: after) }
        edge += profile.slow
        if roll < edge { return .slow(seconds: profile.slowSeconds) }
        return nil
    }
}

/// A tiny lock-protected box for emulator state shared across requests.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Value

    public init(_ value: Value) { _value = value }

    public var value: Value {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }

    @discardableResult
    public func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&_value) }
    }
}
