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
        let labels = n.split(separator: ".", omittingEmptySubsequences: false)
        for (i, label) in labels.enumerated() {
            if label.isEmpty { out.append(.error(.emptyLabel, "the name has an empty label ('..')", name: n)); continue }
            if label.utf8.count > maxLabelLength {
                out.append(.error(.labelTooLong, "label '\(label)' is \(label.utf8.count) bytes; the limit is \(maxLabelLength)", name: n))
            }
            if label == "*" && i == 0 && !hostname { continue }
            let okChars = label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || (!hostname && $0 == "_")) }
            if !okChars || label.hasPrefix("-") || label.hasSuffix("-") {
                out.append(.error(.invalidLabel, "label '\(label)' may hold only letters, digits, inner hyphens\(hostname ? "" : " and underscores")", name: n))
            }
        }
        return out
    }

    public static func isValid(_ name: String, hostname: Bool = true) -> Bool {
        problems(name, hostname: hostname).isEmpty
    }
}
