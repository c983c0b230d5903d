/// Characters no inventory string may hold. Every string of the inventory
/// ends up in a provider API call, a DNS record or a mail header (a
/// `display_name` becomes `From:`), where an ESC rewrites a terminal, a CR
/// or LF splits a header and a bidirectional override makes a name read
/// differently than it is. libyaml refuses raw control bytes in the file,
/// but a double-quoted scalar writes them as escapes (`"\e"`, `"\r\n"`,
/// `"\u202E"`), so the decoded value is checked.
///
/// TAB is refused too: YAML never needs it inside a value of this schema,
/// and in a header or an API parameter it is at best invisible.
enum ControlCharacters {
    /// C0 (TAB, CR and LF included), DEL, C1, the line and paragraph
    /// separators, and the bidirectional controls: embeddings and overrides
    /// (U+202A–202E), isolates (U+2066–2069) and the marks (U+200E, U+200F, U+061C).
    static func isForbidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }

    /// The first forbidden character and its 1-based position in the value.
    static func first(in s: String, allowing allowed: Set<Unicode.Scalar> = []) -> (scalar: Unicode.Scalar, position: Int)? {
        for (i, u) in s.unicodeScalars.enumerated() where isForbidden(u) && !allowed.contains(u) { return (u, i + 1) }
        return nil
    }

    /// `U+001B (ESC)`: how a refused character is named (never printed raw).
    static func describe(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let names: [UInt32: String] = [0x09: "TAB", 0x0A: "LF", 0x0D: "CR", 0x1B: "ESC", 0x00: "NUL", 0x7F: "DEL",
                                       0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
                                       0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE"]
        return names[u.value].map { "\(code) (\($0))" } ?? code
    }

    /// The message for a value holding `u` at `position`.
    static func message(_ u: Unicode.Scalar, at position: Int) -> String {
        "control character \(describe(u)) at character \(position): inventory strings may not hold control characters, "
            + "line separators or bidirectional controls (they reach API calls and mail headers)"
    }

    /// The value with every forbidden character written as `\u{…}`, for
    /// messages that echo what was found.
    static func escaped(_ s: String) -> String {
        guard first(in: s) != nil else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if isForbidden(u) { out += "\\u{" + String(u.value, radix: 16, uppercase: true) + "}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
