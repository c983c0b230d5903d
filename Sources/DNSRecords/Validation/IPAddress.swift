/// Textual IP address checks (no Foundation, no inet_pton: pure and total).
public enum IPAddress {
    /// Dotted quad, each part 0–255 without leading zeros.
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard !p.isEmpty, p.count <= 3, p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255 else { return false }
            return p.count == 1 || p.first != "0"
        }
    }

    /// RFC 4291 text form: up to eight groups of 1–4 hex digits, at most one
    /// `::`, optionally ending in an embedded IPv4 address.
    public static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 45 else { return false }
        let halves = s.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return false }
        func groups(_ part: String, allowV4Tail: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let gs = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            var n = 0
            for (i, g) in gs.enumerated() {
                if allowV4Tail && i == gs.count - 1 && g.contains(".") {
                    guard isIPv4(g) else { return nil }
                    n += 2
                } else {
                    guard (1...4).contains(g.count), g.allSatisfy(\.isHexDigit) else { return nil }
                    n += 1
                }
            }
            return n
        }
        if halves.count == 1 {
            return groups(halves[0], allowV4Tail: true) == 8
        }
        guard let a = groups(halves[0], allowV4Tail: false), let b = groups(halves[1], allowV4Tail: true) else { return false }
        return a + b <= 7
    }
}
