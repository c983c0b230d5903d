/// Operator input echoed in an error message: control and format characters
/// (ESC, CR, NUL, bidi overrides) are written as `\u{1B}` so a hostile value
/// cannot drive the terminal or forge extra lines of output; long values are clipped.
public enum TerminalText {
    public static func escaped(_ s: String, limit: Int = 80) -> String {
        var out = ""
        var n = 0
        for u in s.unicodeScalars {
            if n == limit { return out + "…" }
            let cat = u.properties.generalCategory
            if cat == .control || cat == .format {
                out += "\\u{\(String(u.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(u)
            }
            n += 1
        }
        return out
    }
}
