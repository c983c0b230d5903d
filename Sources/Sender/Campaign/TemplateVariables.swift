import Foundation
import Store

/// The Mustache tags of one campaign template, read without rendering: the
/// variables it uses (checked against the recipients' columns at enqueue) and,
/// for a malformed template, where and what in words instead of a parser dump.
public enum TemplateVariables {
    /// Variables every message has without a column (`MessageBuilder`).
    public static let builtIns = ["email", "unsubscribe_url", "time_zone"]

    public struct Use: Sendable, Equatable {
        public var name: String
        /// Inside `{{#name}}…{{/name}}`, or the template has `{{^name}}…{{/name}}`
        /// (what to write when it is empty): an empty value is allowed.
        public var hasDefault: Bool
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var character: Int
        public var message: String
        public var description: String { "line \(line), character \(character): \(message)" }
    }

    /// The variables in first-use order (one entry per name).
    public static func scan(_ template: String) throws(Problem) -> [Use] {
        let chars = Array(template)
        var i = 0, line = 1, lineStart = 0
        var open: [(name: String, line: Int, character: Int)] = []
        var uses: [(name: String, guarded: Bool)] = []
        var inverted: Set<String> = []
        func position(_ at: Int) -> (Int, Int) { (line, at - lineStart + 1) }
        while i < chars.count {
            if chars[i] == "\n" { line += 1; lineStart = i + 1; i += 1; continue }
            guard chars[i] == "{", i + 1 < chars.count, chars[i + 1] == "{" else { i += 1; continue }
            let (tl, tc) = position(i)
            let triple = i + 2 < chars.count && chars[i + 2] == "{"
            let close = triple ? "}}}" : "}}"
            let bodyStart = i + (triple ? 3 : 2)
            guard let end = find(close, in: chars, from: bodyStart) else {
                throw Problem(line: tl, character: tc, message: "'\(triple ? "{{{" : "{{")' is never closed by '\(close)'")
            }
            let body = String(chars[bodyStart..<end])
            for c in chars[i..<end] where c == "\n" { _ = c; line += 1 }
            if let nl = chars[i..<end].lastIndex(of: "\n") { lineStart = nl + 1 }
            i = end + close.count
            let trimmed = body.trimmingCharacters(in: .whitespaces)
            let sigil = triple ? nil : trimmed.first
            let name = (sigil.map { "#^/&!>=%".contains($0) } ?? false ? String(trimmed.dropFirst()) : trimmed)
                .trimmingCharacters(in: .whitespaces)
            let root = String(name.split(separator: ".").first ?? "")
            switch sigil {
            case "!", "%": continue
            case ">": throw Problem(line: tl, character: tc, message: "partials ({{> name}}) are not supported in campaigns")
            case "=": throw Problem(line: tl, character: tc, message: "changing the delimiters ({{= … =}}) is not supported in campaigns")
            default: break
            }
            guard !name.isEmpty else { throw Problem(line: tl, character: tc, message: "empty tag '{{\(body)}}': write a variable name, e.g. {{first_name}}") }
            guard name == "." || isName(name) else {
                throw Problem(line: tl, character: tc, message: "'\(TerminalText.escaped(name, limit: 40))' is not a variable name (letters, digits, _ and . only)")
            }
            switch sigil {
            case "#", "^":
                if sigil == "^" { inverted.insert(root) }
                uses.append((root, true))
                open.append((root, tl, tc))
            case "/":
                guard let last = open.last else {
                    throw Problem(line: tl, character: tc, message: "'{{/\(name)}}' closes a section that was never opened")
                }
                guard last.name == root else {
                    throw Problem(line: tl, character: tc, message: "'{{/\(name)}}' closes '\(last.name)', opened at line \(last.line), character \(last.character)")
                }
                open.removeLast()
            default:
                if name == "." { continue }
                uses.append((root, open.contains { $0.name == root }))
            }
        }
        if let o = open.last {
            throw Problem(line: o.line, character: o.character, message: "section '\(o.name)' is never closed (write {{/\(o.name)}})")
        }
        var out: [Use] = []
        for u in uses {
            let guarded = u.guarded || inverted.contains(u.name)
            if let k = out.firstIndex(where: { $0.name == u.name }) { out[k].hasDefault = out[k].hasDefault && guarded } else {
                out.append(Use(name: u.name, hasDefault: guarded))
            }
        }
        return out
    }

    private static func find(_ needle: String, in chars: [Character], from: Int) -> Int? {
        let n = Array(needle)
        var j = from
        while j + n.count <= chars.count {
            if Array(chars[j..<(j + n.count)]) == n { return j }
            j += 1
        }
        return nil
    }

    private static func isName(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "." || $0 == "-" }
    }
}
