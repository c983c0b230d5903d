import Foundation

/// A rate written as `10%` or `0.3%` (0–100 inclusive).
public struct Percentage: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The number before the `%` sign: 10 for `10%`.
    public var percent: Double

    public init(percent: Double) { self.percent = percent }

    /// 0.1 for `10%`; compare with observed rates (bounces / sent).
    public var fraction: Double { percent / 100 }

    public static func < (a: Percentage, b: Percentage) -> Bool { a.percent < b.percent }

    public var description: String {
        percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
    }

    public static func parse(_ text: String) -> Result<Percentage, ValueParseError> {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix("%") else {
            return .failure(ValueParseError("'\(text)' is not a percentage: write a number followed by %, e.g. 10%"))
        }
        let num = t.dropLast()
        guard !num.isEmpty, num.count <= 12,
              num.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }),
              let v = Double(num) else {
            return .failure(ValueParseError("'\(text)' is not a percentage: write a number followed by %, e.g. 10%"))
        }
        guard v >= 0, v <= 100 else {
            return .failure(ValueParseError("'\(text)' is out of range: a percentage is between 0% and 100%"))
        }
        return .success(Percentage(percent: v))
    }
}
