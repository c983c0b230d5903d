import DNSRecords

/// Judges a forwarded host's `HEAD /` against its declared forward. Only `/`
/// is asked, so the `Location` is the target itself whether the path is kept
/// or dropped; `https://acme.com/` and `https://acme.com` are the same
/// target (a forwarder that keeps the path appends the `/`).
enum WebComparison {
    /// `getacme.io` for `@`, `www.getacme.io` for `www`.
    static func host(_ forward: WebForward, domain: String) -> String {
        forward.host == "@" ? domain : "\(forward.host).\(domain)"
    }

    static func finding(_ forward: WebForward, domain: String, answer: WebAnswer) -> WebFinding {
        let url = "http://\(host(forward, domain: domain))/"
        let expected = "\(forward.code.rawValue) \(forward.location)"
        switch answer {
        case .unknown(let why):
            return WebFinding(url: url, status: .unknown, expected: expected, answered: nil, detail: why)
        case .answered(let status, let location):
            let answered = location.map { "\(status) \($0)" } ?? "\(status) without Location"
            var wrong: [String] = []
            if status != forward.code.rawValue { wrong.append("status \(status), declared \(forward.code.rawValue)") }
            if location.map(target) != target(forward.location) {
                wrong.append(location == nil ? "no Location" : "Location elsewhere")
            }
            return WebFinding(url: url, status: wrong.isEmpty ? .ok : .different, expected: expected, answered: answered,
                              detail: wrong.isEmpty ? nil : wrong.joined(separator: ", "))
        }
    }

    private static func target(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
