import Foundation

/// A whole number of seconds written as `30s`, `10m`, `1h` or `2d`.
///
/// Named `TimeSpan` rather than `Duration` so that modules importing
/// `Inventory` keep the standard library's `Duration` unshadowed.
public struct TimeSpan: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }
    public static func seconds(_ s: Int) -> TimeSpan { TimeSpan(seconds: s) }
    public static func minutes(_ m: Int) -> TimeSpan { TimeSpan(seconds: m * 60) }
    public static func hours(_ h: Int) -> TimeSpan { TimeSpan(seconds: h * 3600) }
    public static func days(_ d: Int) -> TimeSpan { TimeSpan(seconds: d * 86_400) }

    /// The standard library duration, for `Task.sleep(for:)` and clocks.
    public var duration: Duration { .seconds(seconds) }

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.seconds < b.seconds }

    /// The largest unit that divides exactly: `90s`, `10m`, `2h`, `1d`.
    public var description: String {
        if seconds != 0 && seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds != 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds != 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    /// Parses `<digits><unit>` with unit `s`, `m`, `h` or `d`. The error text
    /// is written for the operator (it follows "field.path: ").
    public static func parse(_ text: String) -> Result<TimeSpan, ValueParseError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let unit = t.last, let factor = ["s": 1, "m": 60, "h": 3600, "d": 86_400][unit] else {
            return .failure(ValueParseError("'\(text)' is not a duration: write a whole number with a unit s, m, h or d (e.g. 30s, 10m, 1h, 2d)"))
        }
        let digits = t.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(ValueParseError("'\(text)' is not a duration: write a whole number with a unit s, m, h or d (e.g. 30s, 10m, 1h, 2d)"))
        }
        guard digits.count <= 9, let n = Int(digits) else {
            return .failure(ValueParseError("'\(text)' is too long a duration"))
        }
        return .success(TimeSpan(seconds: n * factor))
    }
}

/// An inclusive range of durations, `30s-60s`; a sender picks a jittered
/// value inside it.
public struct TimeSpanRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var min: TimeSpan
    public var max: TimeSpan

    public init(min: TimeSpan, max: TimeSpan) {
        self.min = min
        self.max = max
    }

    public var description: String { "\(min)-\(max)" }

    /// Parses `A-B` (each a `TimeSpan`) or a single duration meaning `A-A`.
    /// `min > max` is reported as an error here, since the range is empty.
    public static func parse(_ text: String) -> Result<TimeSpanRange, ValueParseError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1 {
            return TimeSpan.parse(text).map { TimeSpanRange(min: $0, max: $0) }
        }
        guard parts.count == 2 else {
            return .failure(ValueParseError("'\(text)' is not a duration range: write MIN-MAX, e.g. 30s-60s"))
        }
        let lo: TimeSpan, hi: TimeSpan
        switch TimeSpan.parse(String(parts[0])) {
        case .success(let v): lo = v
        case .failure: return .failure(ValueParseError("'\(text)' is not a duration range: '\(parts[0])' is not a duration (write MIN-MAX, e.g. 30s-60s)"))
        }
        switch TimeSpan.parse(String(parts[1])) {
        case .success(let v): hi = v
        case .failure: return .failure(ValueParseError("'\(text)' is not a duration range: '\(parts[1])' is not a duration (write MIN-MAX, e.g. 30s-60s)"))
        }
        guard lo <= hi else {
            return .failure(ValueParseError("empty range '\(text)': minimum \(lo) is greater than maximum \(hi)"))
        }
        return .success(TimeSpanRange(min: lo, max: hi))
    }
}

/// A parse failure of a scalar value; the loader adds file, line and field path.
public struct ValueParseError: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
