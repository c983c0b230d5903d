import DNSRecords
import Reconciler

/// Whether a domain's mail would leave authenticated, judged from its check
/// verdict: the rule a mailbox must pass to send (README "Sending preflight").
public enum SendingPreflight {
    public enum Result: Sendable, Equatable {
        case pass
        /// Held: the reason names the failing record.
        case fail(String)
        /// A record the rule needs could not be read: decides nothing.
        case unknown(String)
    }

    /// - SPF: exactly one record, and it includes the pool's region
    ///   (`include:mailgun.org` / `include:eu.mailgun.org`).
    /// - DKIM at our Mailgun selector equals the key Mailgun reported.
    /// - DMARC: exactly one record at `_dmarc.<From domain>`. It aligns because
    ///   Mailgun signs with `d=` the sending domain, which is the From domain.
    /// - MX and the delegation (NS) as declared: otherwise replies and bounces go
    ///   elsewhere, or the zone we checked is not the one the internet reads.
    /// - The Mailgun domain last observed `active`.
    public static func judge(_ verdict: DomainVerdict, zone: ExpectedZone) -> Result {
        if let why = verdict.notChecked { return .unknown(why) }
        var failures: [String] = []
        var unknown: [String] = []
        for f in verdict.findings {
            let what = "\(f.purpose) \(f.type.rawValue) at \(f.name)"
            guard let rule = Rule(purpose: f.purpose) else { continue }
            if f.status == .unknown { unknown.append("\(what): \(f.detail ?? "no answer")"); continue }
            if let why = rule.failure(f, region: zone.mailgunRegion) { failures.append("\(what) \(why)") }
        }
        for purpose in ["spf", "mailgun-dkim", "dmarc", "mx"] where !verdict.findings.contains(where: { $0.purpose == purpose }) {
            if purpose == "mailgun-dkim" {
                // The key exists only once apply has created the Mailgun domain: nothing signs yet.
                failures.append("mailgun-dkim key not published yet (no key observed from Mailgun)")
            } else {
                failures.append("\(purpose) not declared for this domain")
            }
        }
        switch zone.mailgunState?.lowercased() {
        case "active"?: break
        case nil: failures.append("Mailgun domain never observed (run plan or apply)")
        case let state?: failures.append("Mailgun domain \(state)")
        }
        if !failures.isEmpty { return .fail(failures.joined(separator: "; ")) }
        if !unknown.isEmpty { return .unknown(unknown.joined(separator: "; ")) }
        return .pass
    }

    private enum Rule {
        case spf, dkim, dmarc, asDeclared

        init?(purpose: String) {
            switch purpose {
            case "spf": self = .spf
            case "mailgun-dkim": self = .dkim
            case "dmarc": self = .dmarc
            case "mx", "nameservers": self = .asDeclared
            default: return nil
            }
        }

        /// Why the finding fails the rule, or nil when it passes.
        func failure(_ f: RecordFinding, region: MailgunRegion?) -> String? {
            switch (self, f.status) {
            case (_, .ok): return nil
            case (_, .missing): return "missing"
            case (_, .competing): return "has \(f.published.count) competing records"
            case (_, .pending): return "not published yet"
            case (.spf, .different):
                // Another SPF still authorises the pool when it includes it (and stays within 10 lookups).
                guard let include = region?.spfInclude, f.detail == nil, f.published.count == 1,
                      let spf = try? SPFRecord.parse(f.published[0]), spf.includes(include) else {
                    return "does not authorise the pool (\(f.detail ?? "no include:\(region?.spfInclude ?? "mailgun.org")"))"
                }
                return nil
            case (.dmarc, .different):
                // Another policy or rua is drift, not unauthenticated mail.
                return f.published.count == 1 && (try? DMARCRecord.parse(f.published[0])) != nil ? nil : "is not a valid DMARC record"
            case (.dkim, .different): return "differs from the key Mailgun reported"
            case (_, .different), (_, .unknown): return "differs from the inventory"
            }
        }
    }
}
