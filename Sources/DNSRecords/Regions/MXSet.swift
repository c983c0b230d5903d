/// The MX records of a domain's apex for its inbound mode.
///
/// A domain points MX at Zoho or at Mailgun, never both (mail-platforms.md 3.1).
public enum MXSet {
    /// Zoho hosts the mailboxes: `mx`, `mx2`, `mx3` of the data centre.
    public static func zoho(_ region: ZohoRegion, domain: String, ttl: Int) -> [DNSRecord] {
        region.mxHosts.map { DNSRecord(name: domain, type: .MX, ttl: ttl, priority: $0.priority, value: $0.host) }
    }

    /// Mailgun receives replies for Routes: `mxa` and `mxb` of the region at 10.
    public static func mailgun(_ region: MailgunRegion, domain: String, ttl: Int) -> [DNSRecord] {
        region.mxHosts.map { DNSRecord(name: domain, type: .MX, ttl: ttl, priority: MailgunRegion.mxPriority, value: $0) }
    }
}
