/// How many DNS lookups (RFC 7208 4.6.4) an `include:` costs in total: the
/// include itself plus every lookup its target record triggers.
///
/// Vendors change their SPF trees, so this is a pinned table (the DNS
/// checker is the place to refresh it from live data); an inventory can give
/// the cost of any include explicitly, which wins over the table.
public struct SPFLookupCosts: Sendable, Hashable {
    /// Total cost by include domain (lower-case).
    public var table: [String: Int]

    public init(table: [String: Int]) {
        self.table = Dictionary(table.map { (DomainName.normalize($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The built-in table. Mailgun 2 and Zoho 1 are the figures of
    /// mail-platforms.md 3.4 (third-party, unverified); Google's
    /// `_spf.google.com` is itself plus its three `_netblocks` includes.
    public static let known = SPFLookupCosts(table: [
        "mailgun.org": 2,
        "eu.mailgun.org": 2,
        "zoho.com": 1,
        "zoho.eu": 1,
        "zoho.in": 1,
        "zoho.com.au": 1,
        "zoho.jp": 1,
        "_spf.google.com": 4,
        "spf.protection.outlook.com": 2,
        "sendgrid.net": 1,
        "amazonses.com": 1,
        "servers.mcsv.net": 1,
        "spf.mandrillapp.com": 1,
    ])

    /// The cost of including `domain`: the explicit figure if given, else the table's.
    public func cost(of domain: String, explicit: Int? = nil) -> Int? {
        if let explicit { return max(explicit, 1) }
        return table[DomainName.normalize(domain)]
    }
}
