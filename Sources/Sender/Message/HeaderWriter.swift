import Foundation

/// The one place an outgoing message's header section is written (issue #19).
/// Every value goes through here, whatever its source (campaign, template
/// variables, fleet, store), so no header can be injected or break a relay:
/// - a value holding a control character (C0 including TAB, DEL, C1), U+2028,
///   U+2029 or a bidi embedding, override or isolate is refused with a
///   `SenderError` naming the header and the source; nothing is written;
/// - non-ASCII text becomes RFC 2047 encoded words (UTF-8, B), each at most 75
///   octets and cut between characters, never inside a UTF-8 sequence;
/// - every field is folded at whitespace to 78 octets per line where the value
///   allows it, and no line ever exceeds RFC 5322's hard limit of 998.
struct HeaderWriter {
    /// The fields in order, each value as on the wire once unfolded.
    private(set) var fields: [(name: String, value: String)] = []
    /// The header section so far, folded, CRLF line ends.
    private(set) var text = ""

    static let recommendedLine = 78
    static let hardLine = 998

    // MARK: kinds of field

    /// Unstructured text (Subject, X-Mailgun-Tag): printable ASCII words as they
    /// are, anything else as encoded words, so the receiver decodes exactly `value`.
    mutating func unstructured(_ name: String, _ value: String, source: String) throws {
        try Self.check(value, header: name, source: source)
        try append(name, pieces: Self.textPieces(value, firstRoom: Self.recommendedLine - name.utf8.count - 2), source: source)
    }

    /// `Display Name <local@domain>` (From), or the bare address without a name.
    mutating func mailbox(_ name: String, address: String, displayName: String?, source: String) throws {
        try Self.check(address: address, header: name, source: source)
        guard let display = displayName, !display.isEmpty else { return try append(name, pieces: [address], source: source) }
        try Self.check(display, header: name, source: "\(source) display name")
        try append(name, pieces: Self.phrasePieces(display, firstRoom: Self.recommendedLine - name.utf8.count - 2) + ["<\(address)>"], source: source)
    }

    /// `<local@domain>` (To).
    mutating func angleAddress(_ name: String, _ address: String, source: String) throws {
        try Self.check(address: address, header: name, source: source)
        try append(name, pieces: ["<\(address)>"], source: source)
    }

    /// `<id-left@id-right>` (Message-ID, In-Reply-To, References).
    mutating func messageID(_ name: String, _ id: String, source: String) throws {
        try Self.check(id, header: name, source: source)
        let inner = id.hasPrefix("<") && id.hasSuffix(">") && id.count > 2 ? id.dropFirst().dropLast() : ""
        let parts = inner.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(Self.isIDText) }) else {
            throw Self.refusal(name, source, "is not a message id of the form <left@right> in printable ASCII")
        }
        try append(name, pieces: [id], source: source)
    }

    /// `<uri>, <uri>` (List-Unsubscribe). Kept on one line while it fits 998:
    /// sending.md §1.4 records DKIM breaking when this field was refolded.
    mutating func uriList(_ name: String, _ uris: [String], source: String) throws {
        for u in uris {
            try Self.check(u, header: name, source: source)
            guard !u.isEmpty, u.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"<>\"".unicodeScalars.contains($0) }) else {
                throw Self.refusal(name, source, "holds a URI with characters a header URI cannot carry (space, <, >, \" or non-ASCII)")
            }
        }
        let pieces = uris.enumerated().map { $0.offset < uris.count - 1 ? "<\($0.element)>," : "<\($0.element)>" }
        try append(name, pieces: pieces, limit: Self.hardLine, source: source)
    }

    /// A fixed-syntax value we compose ourselves (Date, MIME-Version, Content-Type,
    /// Feedback-ID): printable ASCII, folded only at its own spaces.
    mutating func token(_ name: String, _ value: String, source: String) throws {
        try Self.check(value, header: name, source: source)
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !value.contains("  "),
              value.first != " ", value.last != " " else {
            throw Self.refusal(name, source, "must be printable ASCII without runs of spaces")
        }
        try append(name, pieces: value.split(separator: " ").map(String.init), source: source)
    }

    /// A JSON object of string members (X-Mailgun-Variables), keys sorted. Each
    /// member is checked like any header input; the JSON is pure ASCII with no
    /// space inside strings (`\u` escapes; `=` escaped too, so nothing in it reads
    /// as an encoded word) and one space after each separator, where it folds.
    mutating func jsonObject(_ name: String, _ members: [(key: String, value: String, source: String)]) throws {
        for m in members { try Self.check(m.value, header: name, source: m.source) }
        let sorted = members.sorted { $0.key < $1.key }
        var pieces: [String] = []
        for (i, m) in sorted.enumerated() {
            pieces.append((i == 0 ? "{" : "") + Self.jsonString(m.key) + ":")
            pieces.append(Self.jsonString(m.value) + (i == sorted.count - 1 ? "}" : ","))
        }
        try append(name, pieces: pieces.isEmpty ? ["{}"] : pieces, source: members.map(\.source).joined(separator: ", "))
    }

    // MARK: checks

    /// Characters no header value may hold, from any source: they end or reorder lines.
    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    static func check(_ value: String, header: String, source: String) throws {
        for (i, s) in value.unicodeScalars.enumerated() where isForbidden(s) {
            throw refusal(header, source, "holds \(describe(s)) at position \(i + 1), which no header may carry")
        }
    }

    /// An addr-spec we can write without SMTPUTF8: dot-atom local part, LDH domain labels.
    static func check(address: String, header: String, source: String) throws {
        try check(address, header: header, source: source)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, isDotAtom(parts[0]),
              !parts[1].isEmpty, parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ label in
                  !label.isEmpty && label.count <= 63 && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
              }) else {
            throw refusal(header, source, "is not a plain ASCII address local@domain")
        }
    }

    static func refusal(_ header: String, _ source: String, _ what: String) -> SenderError {
        .invalidInput(file: "outgoing message", line: nil, field: "\(header) header (\(source))", message: "\(what); the message was not sent")
    }

    static func describe(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [0x09: "TAB", 0x0A: "LF", 0x0D: "CR", 0x00: "NUL", 0x7F: "DEL", 0x85: "NEL",
                                       0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"]
        if let n = names[s.value] { return "\(code) (\(n))" }
        if (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value) { return "\(code) (bidi control)" }
        return "\(code) (control character)"
    }

    static let atext = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")

    static func isDotAtom(_ s: Substring) -> Bool {
        !s.isEmpty && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(atext.contains) }
    }

    static func isIDText(_ s: Unicode.Scalar) -> Bool { atext.contains(s) || s == "." || s == "[" || s == "]" }

    // MARK: encoding

    /// Printable ASCII with single spaces, no leading or trailing space, no word
    /// too long for a folded line and nothing that reads as an encoded word:
    /// safe to write as is and fold at its spaces.
    static func isPlain(_ s: String) -> Bool {
        !s.isEmpty && s.first != " " && s.last != " " && !s.contains("  ") && !s.contains("=?")
            && s.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            && s.split(separator: " ").allSatisfy { $0.utf8.count < recommendedLine - 1 }
    }

    static func textPieces(_ s: String, firstRoom: Int) -> [String] {
        if s.isEmpty { return [] }
        if isPlain(s) { return s.split(separator: " ").map(String.init) }
        return encodedWords(s, firstRoom: firstRoom)
    }

    /// A display name: an atom phrase, a quoted string (folded at its own single
    /// spaces, which unfolding restores), or encoded words.
    static func phrasePieces(_ s: String, firstRoom: Int) -> [String] {
        if isPlain(s) {
            let words = s.split(separator: " ").map(String.init)
            if words.allSatisfy({ $0.unicodeScalars.allSatisfy(atext.contains) }) { return words }
            let quoted = words.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") }
            if quoted.allSatisfy({ $0.utf8.count < recommendedLine - 3 }) {
                return quoted.enumerated().map { ($0.offset == 0 ? "\"" : "") + $0.element + ($0.offset == quoted.count - 1 ? "\"" : "") }
            }
        }
        return encodedWords(s, firstRoom: firstRoom)
    }

    /// `=?UTF-8?B?…?=` words of at most 75 octets (the first one shorter when the
    /// field name leaves less room on its line), cut between characters; a
    /// character too long for one word (a long combining sequence) is cut between
    /// its scalars, which still never splits a UTF-8 sequence.
    static func encodedWords(_ s: String, firstRoom: Int) -> [String] {
        func capacity(_ room: Int) -> Int { (max(room, 16) - 12) / 4 * 3 }   // payload octets per word
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(min(75, firstRoom))
        func flush() {
            if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
            chunk = []
            limit = capacity(75)
        }
        for ch in s {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count <= limit { chunk += bytes; continue }
            flush()
            if bytes.count <= limit { chunk = bytes; continue }
            for scalar in ch.unicodeScalars {
                let b = Array(String(scalar).utf8)
                if chunk.count + b.count > limit { flush() }
                chunk += b
            }
        }
        flush()
        return words
    }

    /// A JSON string literal in pure ASCII.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.utf16 {
            switch u {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x21...0x7E where u != 0x3D: out += String(UnicodeScalar(UInt8(u)))
            default:
                let hex = String(u, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }

    // MARK: folding

    /// Writes `Name: p1 p2 …`, breaking before a piece (the space before it becomes
    /// the continuation's leading white space, so unfolding restores the value)
    /// whenever the line would pass `limit`. A piece never splits; one that cannot
    /// fit 998 with its indentation is refused.
    private mutating func append(_ name: String, pieces: [String], limit: Int = recommendedLine, source: String) throws {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }) else {
            throw Self.refusal(name, "field name", "is not a valid field name")
        }
        var out = name + ":"
        var line = out.utf8.count
        for (i, p) in pieces.enumerated() {
            let n = p.utf8.count
            if i > 0 && line + 1 + n > limit {
                out += "\r\n"
                line = 0
            }
            guard line + 1 + n <= Self.hardLine else {
                throw Self.refusal(name, source, "has a part of \(n) octets that cannot be folded under 998 per line")
            }
            out += " " + p
            line += 1 + n
        }
        text += out + "\r\n"
        fields.append((name: name, value: pieces.joined(separator: " ")))
    }
}
