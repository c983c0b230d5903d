import Foundation

/// When a cached observation may stand in for reading the provider.
public enum RefreshPolicy: Sendable, Hashable {
    /// Read resources whose observation is missing or older than `maxAge`.
    case auto(maxAge: TimeInterval)
    /// Read everything (`drift`, `--refresh full`).
    case full
    /// Read nothing that has been observed before (`--refresh none`). A
    /// resource never observed is still read: planning it as absent would
    /// create duplicates.
    case none

    public func needsRead(_ cached: Observation?, now: Date) -> Bool {
        guard let cached else { return true }
        switch self {
        case .full: return true
        case .none: return false
        case .auto(let maxAge): return now.timeIntervalSince(cached.observedAt) > maxAge
        }
    }
}
