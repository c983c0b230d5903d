import Foundation

/// Every error body shape Mailgun is documented or recorded to send
/// (mail-platforms.md §1.2). Parsed with the rule given there: JSON only if the
/// content type says JSON *and* it parses; first of `message`, `Reason`,
/// `Description`; `retry-seconds` on 429; otherwise the raw text.
public enum MailgunErrorBody: Sendable, Hashable {
    case message(String)
    case reason(String)
    case description(String)
    case retrySeconds(Int)
    /// Plain text such as the 401 `Forbidden` on `/messages`.
    case text(String)
    /// An HTML page (unknown URL path).
    case html(String)
    case empty

    public static func parse(_ body: Data, contentType: String?) -> MailgunErrorBody {
        let ct = (contentType ?? "").lowercased()
        if ct.contains("json"), let obj = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] {
            if let m = obj["message"] as? String { return .message(m) }
            if let r = obj["Reason"] as? String { return .reason(r) }
            if let d = obj["Description"] as? String { return .description(d) }
            if let n = obj["retry-seconds"] as? Int { return .retrySeconds(n) }
            if let s = obj["retry-seconds"] as? String, let n = Int(s) { return .retrySeconds(n) }
        }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return .empty }
        if ct.contains("html") || text.lowercased().hasPrefix("<!doctype html") || text.lowercased().hasPrefix("<html") {
            return .html(text)
        }
        return .text(text)
    }

    /// The human-readable detail (HTML shortened to its first 200 characters).
    public var detail: String {
        switch self {
        case .message(let s), .reason(let s), .description(let s), .text(let s): return s
        case .retrySeconds(let n): return "retry in \(n) s"
        case .html(let s): return String(s.prefix(200))
        case .empty: return ""
        }
    }
}

/// Where to find how long to wait after a 429/420 (§1.3): a `Retry-After` header if
/// present, else `retry-seconds`, else "try again after N seconds" / "try again after
/// <RFC 2822 date>" in the message; nil means "back off exponentially".
public enum MailgunThrottleHint {
    public static func delay(retryAfterHeader: String?, body: MailgunErrorBody, now: Date) -> TimeInterval? {
        if let h = retryAfterHeader?.trimmingCharacters(in: .whitespaces), let s = TimeInterval(h), s >= 0 { return s }
        if case .retrySeconds(let n) = body { return TimeInterval(n) }
        let text = body.detail
        guard let r = text.range(of: "try again after ", options: .caseInsensitive) else { return nil }
        let rest = text[r.upperBound...].trimmingCharacters(in: .whitespaces)
        let words = rest.split(separator: " ")
        if words.count >= 2, let n = TimeInterval(words[0]), words[1].lowercased().hasPrefix("second") { return n }
        if let date = rfc2822(rest) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }

    static func rfc2822(_ s: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEE, d MMM yyyy HH:mm:ss zzz", "EEE, dd MMM yyyy HH:mm:ss Z"] {
            f.dateFormat = format
            if let d = f.date(from: s) { return d }
        }
        return nil
    }
}
