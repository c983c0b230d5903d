import Foundation

/// Scrubs secrets from any text before it can reach an error, a log line or a
/// plan. It knows the secret values themselves (and their URL-encoded forms)
/// and, as a second net, the parameter names that carry credentials — Namecheap
/// puts `ApiKey` in the query string (registrars.md B1), Porkbun puts
/// `apikey`/`secretapikey` in the JSON body (A1).
public struct Redactor: Sendable {
    public static let mask = "[REDACTED]"

    /// Parameter and JSON field names whose values are always masked.
    public static let sensitiveNames = [
        "apikey", "secretapikey", "api_key", "secret_key", "password", "token", "access_token",
        "refresh_token", "client_secret", "x-api-key", "x-secret-api-key", "authorization",
    ]

    private let secrets: [String]

    public init(secrets: [String] = []) {
        var all = Set<String>()
        for s in secrets where s.count >= 4 {
            all.insert(s)
            if let q = s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { all.insert(q) }
            if let q = s.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) { all.insert(q) }
        }
        // Longest first, so a secret containing another is masked whole.
        self.secrets = all.sorted { $0.count > $1.count }
    }

    public func adding(_ more: [String]) -> Redactor { Redactor(secrets: secrets + more) }

    /// Searches with the standard library first and rewrites only text that
    /// holds a secret or a sensitive name: Foundation's replace and regular
    /// expressions over a whole plan were 8 % of a warm plan's CPU.
    public func scrub(_ text: String) -> String {
        var out = text
        var bytes = Array(out.utf8)
        for s in secrets where Redactor.occurs(s, in: bytes) {
            out = out.replacingOccurrences(of: s, with: Redactor.mask)
            bytes = Array(out.utf8)
        }
        return Redactor.scrubByName(out)
    }

    public func scrub(_ url: URL) -> String { scrub(url.absoluteString) }

    private static let namePattern = sensitiveNames.map { NSRegularExpression.escapedPattern(for: $0) }.joined(separator: "|")
    // `apikey=…` in queries and forms, `"apikey":"…"` in JSON, `Authorization: …` headers.
    nonisolated(unsafe) private static let patterns: [NSRegularExpression] = [
        try! NSRegularExpression(pattern: "(?i)((?:^|[?&;\\s])(?:\(namePattern))=)[^&#\\s]*"),
        try! NSRegularExpression(pattern: "(?i)(\"(?:\(namePattern))\"\\s*:\\s*\")[^\"]*"),
        try! NSRegularExpression(pattern: "(?i)((?:\(namePattern)):\\s*)\\S.*"),
    ]

    /// Whether `needle` occurs in the bytes `h` (Foundation's
    /// `contains` goes through NSString on Linux).
    static func occurs(_ needle: String, in h: [UInt8]) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first, n.count <= h.count else { return n.isEmpty }
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first, h[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }

    static func scrubByName(_ text: String) -> String {
        let lower = Array(text.lowercased().utf8)
        guard sensitiveNames.contains(where: { occurs($0, in: lower) }) else { return text }
        var out = text
        for p in patterns {
            let range = NSRange(out.startIndex..., in: out)
            out = p.stringByReplacingMatches(in: out, range: range, withTemplate: "$1\(mask)")
        }
        return out
    }
}
