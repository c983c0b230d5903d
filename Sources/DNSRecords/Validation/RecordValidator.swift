/// Checks one record on its own: owner name, TTL, priority and the value's
/// shape for its type. Returns every problem; an empty list means valid.
public struct RecordValidator: Sendable, Hashable {
    /// Accepted TTLs. Registrars round or refuse values outside their own
    /// ranges (Porkbun's minimum is 600); 60 s – 1 week covers every sane use.
    public var ttlRange: ClosedRange<Int>
    /// Upper bound on a TXT record's logical length (several 255-byte chunks).
    public var maxTXTBytes: Int

    public init(ttlRange: ClosedRange<Int> = 60...604_800, maxTXTBytes: Int = 4096) {
        self.ttlRange = ttlRange
        self.maxTXTBytes = maxTXTBytes
    }

    public func problems(_ r: DNSRecord) -> [DNSProblem] {
        var out = HostName.problems(r.name)
        func add(_ code: DNSProblem.Code, _ m: String) { out.append(.error(code, m, name: r.name)) }
        if !ttlRange.contains(r.ttl) {
            add(.ttlOutOfRange, "TTL \(r.ttl) is outside \(ttlRange.lowerBound)–\(ttlRange.upperBound) seconds")
        }
        if r.type == .MX {
            if let p = r.priority {
                if !(0...65535).contains(p) { add(.priorityOutOfRange, "MX priority \(p) is outside 0–65535") }
            } else {
                add(.missingPriority, "an MX record needs a priority")
            }
        } else if r.priority != nil {
            add(.unexpectedPriority, "only MX records take a priority")
        }
        switch r.type {
        case .A:
            if !IPAddress.isIPv4(r.value) { add(.invalidAddress, "'\(r.value)' is not an IPv4 address") }
        case .AAAA:
            if !IPAddress.isIPv6(r.value) { add(.invalidAddress, "'\(r.value)' is not an IPv6 address") }
        case .CNAME, .NS, .MX:
            // RFC 7505 null MX is the one target that is not a host name.
            if r.type == .MX && r.value.isEmpty && r.priority == 0 { break }
            if !HostName.isValid(r.value, hostname: false) || !r.value.contains(".") {
                add(.invalidHost, "'\(r.value)' is not a host name")
            }
        case .TXT:
            let n = r.value.utf8.count
            if n > maxTXTBytes { add(.txtTooLong, "the TXT value is \(n) bytes; the limit is \(maxTXTBytes)") }
        case .CAA:
            if let m = Self.caaProblem(r.value) { add(.invalidCAA, m) }
        }
        return out
    }

    /// RFC 8659: `flags tag value`, flags 0–255, tag alphanumeric, value quoted or a word.
    static func caaProblem(_ v: String) -> String? {
        let parts = v.trimmingWhitespace().split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count == 3 else { return "a CAA value is 'FLAGS TAG VALUE', e.g. 0 issue \"letsencrypt.org\"" }
        guard let f = Int(parts[0]), (0...255).contains(f) else { return "CAA flags '\(parts[0])' must be 0–255" }
        guard parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), parts[1].count <= 15 else {
            return "CAA tag '\(parts[1])' must be alphanumeric (issue, issuewild, iodef)"
        }
        let value = parts[2]
        if value.hasPrefix("\"") != value.hasSuffix("\"") || (value == "\"") { return "CAA value \(value) has an unbalanced quote" }
        return nil
    }
}
