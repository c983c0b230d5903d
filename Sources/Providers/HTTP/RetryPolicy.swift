import Foundation

/// Jittered exponential backoff with a cap per wait and a cap on the total.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts including the first.
    public var maxAttempts: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// Give up when the next wait would push the time spent past this.
    public var totalBudget: Double

    public init(maxAttempts: Int = 5, baseDelay: Double = 1.2, maxDelay: Double = 10, totalBudget: Double = 120) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.totalBudget = totalBudget
    }

    public static let none = RetryPolicy(maxAttempts: 1)

    /// "Equal jitter": half the exponential delay fixed, half random, so
    /// concurrent callers spread out but never retry immediately.
    public func delay(afterAttempt attempt: Int, random: any RandomSource) -> Double {
        let exp = min(maxDelay, baseDelay * pow(2, Double(max(0, attempt - 1))))
        return exp / 2 + random.nextUnit() * exp / 2
    }
}

/// What the HTTP layer should do with an answer.
public enum ResponseVerdict: Sendable, Equatable {
    /// Hand the response to the provider's decoder (success or a definite error).
    case accept
    /// A failure worth retrying. `executed` says whether the server may have
    /// acted on it: a throttle answered before execution did not (Namecheap's
    /// 405, registrars.md B5); a 5xx might have.
    case retry(reason: String, throttled: Bool, mayHaveExecuted: Bool, retryAfter: Double?)
}

/// The provider hook that classifies bodies the generic rules cannot: Porkbun's
/// 503 HTML page, Namecheap's HTTP-200 throttling error. Returning nil falls
/// back to the generic rules (429 → throttled, 5xx → transient).
public struct ResponseClassifier: Sendable {
    public let classify: @Sendable (ProviderResponse) -> ResponseVerdict?

    public init(_ classify: @escaping @Sendable (ProviderResponse) -> ResponseVerdict?) { self.classify = classify }

    public static let generic = ResponseClassifier { _ in nil }

    public func verdict(for response: ProviderResponse, clock: any FleetClock) -> ResponseVerdict {
        if let v = classify(response) { return v }
        let after = RetryAfter.seconds(response.header("retry-after"), now: clock.wallDate())
        if response.status == 429 {
            return .retry(reason: "HTTP 429", throttled: true, mayHaveExecuted: false, retryAfter: after)
        }
        if response.status >= 500 {
            return .retry(reason: "HTTP \(response.status)", throttled: response.status == 503,
                          mayHaveExecuted: true, retryAfter: after)
        }
        return .accept
    }
}

public enum RetryAfter {
    /// `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
    public static func seconds(_ value: String?, now: Date) -> Double? {
        guard let v = value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        if let s = Double(v) { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let d = f.date(from: v) else { return nil }
        return max(0, d.timeIntervalSince(now))
    }
}
