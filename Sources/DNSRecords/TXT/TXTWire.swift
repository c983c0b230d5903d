/// TXT values on the wire: one logical string is carried as a sequence of
/// character-strings of at most 255 bytes each (RFC 1035 3.3.14); readers
/// concatenate them. Our records hold the logical string; chunking happens
/// only when a record is written to a provider or a zone file.
public enum TXTWire {
    public static let maxChunkBytes = 255

    /// Splits `value` into chunks of at most `limit` UTF-8 bytes whose
    /// concatenation is `value`. Splits fall on Unicode scalar boundaries so
    /// every chunk is valid UTF-8 on its own (a chunk may then be a few bytes
    /// shorter than the limit). The empty string is one empty chunk.
    public static func chunks(_ value: String, limit: Int = maxChunkBytes) -> [String] {
        let limit = max(limit, 4) // one scalar is at most 4 bytes
        var out: [String] = []
        var current = String.UnicodeScalarView()
        var bytes = 0
        for scalar in value.unicodeScalars {
            let n = UTF8.width(scalar)
            if bytes + n > limit {
                out.append(String(current))
                current = String.UnicodeScalarView()
                bytes = 0
            }
            current.append(scalar)
            bytes += n
        }
        out.append(String(current))
        return out
    }

    /// Zone-file presentation form: every chunk quoted, `"` and `\` escaped,
    /// control bytes as `\DDD`; chunks separated by one space.
    public static func presentation(_ value: String, limit: Int = maxChunkBytes) -> String {
        chunks(value, limit: limit).map(quote).joined(separator: " ")
    }

    static func quote(_ chunk: String) -> String {
        var s = "\""
        for scalar in chunk.unicodeScalars {
            switch scalar {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                let d = String(scalar.value)
                s += "\\" + String(repeating: "0", count: 3 - d.count) + d
            default: s.unicodeScalars.append(scalar)
            }
        }
        return s + "\""
    }

    /// Parses the presentation form back into the logical string: one or
    /// more quoted strings (`"v=DKIM1; k=rsa; " "p=MIIB…"`) or bare words,
    /// separated by whitespace, with `\"`, `\\` and `\DDD` escapes. Bytes from
    /// `\DDD` are reassembled as UTF-8 (invalid sequences become U+FFFD).
    public static func parsePresentation(_ text: String) throws(DNSProblem) -> String {
        join(try parseChunkBytes(text))
    }

    /// The logical string of wire character-strings. Bytes are joined before
    /// decoding, so a UTF-8 sequence split across two chunks by another
    /// producer survives.
    public static func join(_ chunks: [[UInt8]]) -> String {
        String(decoding: chunks.joined(), as: UTF8.self)
    }

    /// The raw bytes of each character-string of the presentation form.
    public static func parseChunkBytes(_ text: String) throws(DNSProblem) -> [[UInt8]] {
        let b = Array(text.utf8)
        var i = 0
        var chunks: [[UInt8]] = []
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }
        while i < b.count {
            if isSpace(b[i]) { i += 1; continue }
            var bytes: [UInt8] = []
            let quoted = b[i] == UInt8(ascii: "\"")
            if quoted { i += 1 }
            var closed = !quoted
            while i < b.count {
                let c = b[i]
                if quoted && c == UInt8(ascii: "\"") { closed = true; i += 1; break }
                if !quoted && isSpace(c) { break }
                if !quoted && c == UInt8(ascii: "\"") {
                    throw .error(.unquotedText, "a quote inside an unquoted TXT word at byte \(i + 1)")
                }
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < b.count else { throw .error(.invalidEscape, "a lone backslash at the end of the TXT value") }
                    let n = b[i + 1]
                    if n >= 0x30 && n <= 0x39 {
                        guard i + 3 < b.count, (b[i + 2] >= 0x30 && b[i + 2] <= 0x39), (b[i + 3] >= 0x30 && b[i + 3] <= 0x39) else {
                            throw .error(.invalidEscape, "\\DDD escape needs three digits at byte \(i + 1)")
                        }
                        let v = Int(n - 0x30) * 100 + Int(b[i + 2] - 0x30) * 10 + Int(b[i + 3] - 0x30)
                        guard v <= 255 else { throw .error(.invalidEscape, "\\\(v) is not a byte value (0–255)") }
                        bytes.append(UInt8(v))
                        i += 4
                    } else {
                        bytes.append(n)
                        i += 2
                    }
                    continue
                }
                bytes.append(c)
                i += 1
            }
            if !closed { throw .error(.unterminatedQuote, "a TXT string is missing its closing quote") }
            if bytes.count > maxChunkBytes {
                throw .error(.txtTooLong, "a TXT character-string is \(bytes.count) bytes; the limit is \(maxChunkBytes)")
            }
            chunks.append(bytes)
        }
        return chunks
    }
}
