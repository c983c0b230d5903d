/// External report destinations (RFC 7489 §7.1): when a domain's `rua`/`ruf`
/// point at another domain, receivers send reports there only if that
/// destination publishes `<domain>._report._dmarc.<destination> TXT "v=DMARC1"`
/// (a wildcard `*._report._dmarc.<destination>` covers every domain).
public enum DMARCReportAuthorization {
    /// The record's value.
    public static let value = "v=DMARC1"

    /// True when reports of `domain` sent to `destination` need the
    /// destination's authorization record: neither is the other or a
    /// subdomain of it (the check receivers make, simplified to names).
    public static func isNeeded(domain: String, destination: String) -> Bool {
        let own = DomainName.normalize(domain), dest = DomainName.normalize(destination)
        return dest != own && !dest.hasSuffix("." + own) && !own.hasSuffix("." + dest)
    }

    /// `<domain>._report._dmarc.<destination>`, or the wildcard `*._report._dmarc.<destination>` when `domain` is nil.
    public static func name(domain: String?, destination: String) -> String {
        (domain.map(DomainName.normalize) ?? "*") + "._report._dmarc." + DomainName.normalize(destination)
    }
}
