import Foundation

/// `--progress auto|always|never`: auto shows progress only on a terminal.
public enum ProgressMode: String, Sendable, CaseIterable {
    case auto, always, never

    public func enabled(isTTY: Bool) -> Bool {
        switch self {
        case .auto: isTTY
        case .always: true
        case .never: false
        }
    }
}

/// Domains observed out of the total, with an ETA from the rate so far.
public struct ObserveProgress: Sendable, Hashable {
    public var done: Int
    public var total: Int
    public var started: Date

    public init(total: Int, started: Date) {
        self.done = 0
        self.total = total
        self.started = started
    }

    /// Seconds left at the average pace so far; nil before the first domain.
    public func eta(now: Date) -> TimeInterval? {
        guard done > 0, done <= total else { return nil }
        let perDomain = now.timeIntervalSince(started) / Double(done)
        return perDomain * Double(total - done)
    }

    /// `observed 120/600 domains, ETA 0:42`
    public func line(now: Date) -> String {
        var s = "observed \(done)/\(total) domains"
        if let eta = eta(now: now), done < total {
            let secs = Int(eta.rounded())
            s += ", ETA \(secs / 60):\(secs % 60 < 10 ? "0" : "")\(secs % 60)"
        }
        return s
    }
}
