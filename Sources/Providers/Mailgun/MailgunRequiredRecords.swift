import DNSRecords

/// The DNS records Mailgun requires for one domain, read from the API (never a
/// hard-coded selector, §1.5), converted to the project's canonical records.
public struct MailgunRequiredRecords: Sendable, Hashable {
    /// SPF TXT, DKIM TXT (or CNAME with automatic sender security), tracking CNAME.
    public var sending: [DNSRecord]
    /// Inbound MX; only wanted when Mailgun receives for the domain (§3).
    public var receiving: [DNSRecord]
    /// The DKIM selectors found among the sending records.
    public var dkimSelectors: [String]

    public init(domain: String, response: MailgunDomainResponse, ttl: Int = 3600) {
        var selectors: [String] = []
        sending = (response.sendingDNSRecords ?? []).compactMap { r in
            if let s = r.dkimSelector { selectors.append(s) }
            return Self.convert(r, domain: domain, ttl: ttl)
        }
        receiving = (response.receivingDNSRecords ?? []).compactMap { Self.convert($0, domain: domain, ttl: ttl) }
        dkimSelectors = selectors
    }

    /// MX records carry no name: they belong at the domain itself.
    static func convert(_ r: MailgunDNSRecord, domain: String, ttl: Int) -> DNSRecord? {
        guard let type = RecordType(rawValue: r.recordType.uppercased()) else { return nil }
        let name = r.name.map { DomainName.normalize($0) } ?? DomainName.normalize(domain)
        let priority = type == .MX ? Int(r.priority?.value ?? "") ?? 10 : nil
        return DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: r.value)
    }

    /// The DKIM TXT records among the sending set.
    public var dkim: [DNSRecord] { sending.filter { $0.name.contains("._domainkey.") } }
}
