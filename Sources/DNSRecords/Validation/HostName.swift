/// Host and owner name rules (RFC 1035 2.3.4, RFC 2181 11): at most 253
/// characters without the trailing dot, labels of 1–63 bytes.
public enum HostName {
    public static let maxNameLength = 253
    public static let maxLabelLength = 63

    /// Structural problems of `name` (empty, too long, bad labels). Owner
    /// names may contain `_` (`_dmarc`, `_domainkey`) and a leading `*` label;
    /// with `hostname: true` only letters, digits and inner hyphens are allowed.
    public static func problems(_ name: String, hostname: Bool = false) -> [DNSProblem] {
        let n = DomainName.normalize(name)
        guard !n.isEmpty else { return [.error(.emptyName, "the name is empty")] }
        var out: [DNSProblem] = []
        if n.utf8.count > maxNameLength {
            out.append(.error(.nameTooLong, "the name is \(n.utf8.count) characters; the limit is \(maxNameLength)", name: n))
        }
        // Byte-wise: this runs for every record of every domain of the fleet.
        var label: [UInt8] = []
        var index = 0
        func finish() {
            defer { label.removeAll(keepingCapacity: true); index += 1 }
            var text: String { String(decoding: label, as: UTF8.self) }
            if label.isEmpty { out.append(.error(.emptyLabel, "the name has an empty label ('..')", name: n)); return }
            if label.count > maxLabelLength {
                out.append(.error(.labelTooLong, "label '\(text)' is \(label.count) bytes; the limit is \(maxLabelLength)", name: n))
            }
            if label == [UInt8(ascii: "*")] && index == 0 && !hostname { return }
            let okChars = label.allSatisfy { c in
                (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || (!hostname && c == 0x5f)
            }
            if !okChars || label.first == 0x2d || label.last == 0x2d {
                out.append(.error(.invalidLabel, "label '\(text)' may hold only letters, digits, inner hyphens\(hostname ? "" : " and underscores")", name: n))
            }
        }
        for c in n.utf8 {
            if c == UInt8(ascii: ".") { finish() } else { label.append(c) }
        }
        finish()
        return out
    }

    public static func isValid(_ name: String, hostname: Bool = true) -> Bool {
        problems(name, hostname: hostname).isEmpty
    }
}
