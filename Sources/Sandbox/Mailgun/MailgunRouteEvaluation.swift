import Foundation
import Providers

/// Which stored routes an inbound message fires and what they forward it to
/// (mail-platforms.md §1.13): by priority (lower first), `match_recipient`
/// and `match_header` as case-insensitive regexes, `catch_all()` only when
/// nothing matched before it, `stop()` ends the evaluation.
enum MailgunRouteEvaluation {
    struct Fired: Equatable {
        var routeID: String
        /// `forward("…")` destinations in order: URLs and addresses alike.
        var destinations: [String]
    }

    static func evaluate(_ routes: [MailgunRoute], recipient: String, headers: [(String, String)]) -> [Fired] {
        var fired: [Fired] = []
        for r in routes.enumerated().sorted(by: { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }).map(\.element) {
            guard matches(r.expression, recipient: recipient, headers: headers, matchedBefore: !fired.isEmpty) else { continue }
            fired.append(Fired(routeID: r.id, destinations: r.actions.compactMap { argument(of: $0, call: "forward") }))
            if r.actions.contains(where: { $0.trimmingCharacters(in: .whitespaces) == "stop()" }) { break }
        }
        return fired
    }

    static func matches(_ expression: String, recipient: String, headers: [(String, String)], matchedBefore: Bool) -> Bool {
        let e = expression.trimmingCharacters(in: .whitespaces)
        if e == "catch_all()" { return !matchedBefore }
        if let pattern = argument(of: e, call: "match_recipient") { return search(pattern, in: recipient) }
        if e.hasPrefix("match_header(") {
            let args = quotedArguments(e)
            guard args.count == 2 else { return false }
            return headers.contains { $0.0.lowercased() == args[0].lowercased() && search(args[1], in: $0.1) }
        }
        return false
    }

    /// The one quoted argument of `call("…")` or `call('…')`.
    static func argument(of text: String, call: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix(call + "("), t.hasSuffix(")") else { return nil }
        return quotedArguments(t).first
    }

    static func quotedArguments(_ text: String) -> [String] {
        var out: [String] = [], current = "", quote: Character?
        for ch in text {
            if let q = quote {
                if ch == q { out.append(current); current = ""; quote = nil } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            }
        }
        return out
    }

    static func search(_ pattern: String, in text: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return false }
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
