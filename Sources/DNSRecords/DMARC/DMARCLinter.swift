/// Checks a DMARC TXT value: every tag and value (via the parser), plus the
/// settings that are legal but probably not what the operator meant.
public enum DMARCLinter {
    /// `domain` is the domain the record protects (for the external-report check).
    public static func lint(_ text: String, domain: String? = nil) -> [DNSProblem] {
        let name = domain.map(DMARCRecord.name(for:))
        let r: DMARCRecord
        do { r = try DMARCRecord.parse(text) } catch {
            var e = error
            e.name = name
            return [e]
        }
        var out: [DNSProblem] = []
        func add(_ p: DNSProblem) { var p = p; p.name = name; out.append(p) }
        // RFC 7489 6.4: "p" must follow "v" directly.
        if let tags = try? TagList.parse(text, duplicate: .dmarcDuplicateTag, syntax: .dmarcSyntax, what: "DMARC"),
           tags.count > 1, tags[1].name != "p" {
            add(.warning(.dmarcPolicyNotSecond, "'p=' should come right after 'v=DMARC1'; some receivers reject the record otherwise"))
        }
        for t in r.unknownTags { add(.warning(.dmarcUnknownTag, "unknown tag '\(t)=' (receivers ignore it)")) }
        if r.policy == .none, let pct = r.pct, pct < 100 {
            add(.warning(.dmarcWeak, "pct=\(pct) has no effect with p=none"))
        }
        if r.rua.isEmpty {
            add(.warning(.dmarcWeak, "no rua=: no aggregate reports will arrive"))
        }
        if let domain {
            for u in r.rua + r.ruf where DMARCReportAuthorization.isNeeded(domain: domain, destination: u.domain) {
                add(.warning(.dmarcExternalReports,
                             "reports go to \(u.domain): it must publish \(DMARCReportAuthorization.name(domain: domain, destination: u.domain)) (RFC 7489 7.1)"))
            }
        }
        return out
    }
}
