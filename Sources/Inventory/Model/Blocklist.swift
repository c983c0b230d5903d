/// One DNSBL/DBL zone of `monitoring.blocklists`: a domain is looked up as
/// `<domain>.<key>.<zone>` (the key only for a list that needs one, as
/// Spamhaus' Data Query Service does) and the answer read by `codes`.
public struct Blocklist: Sendable, Hashable, Codable {
    /// `dbl.spamhaus.org`, `dbl.dq.spamhaus.net`, `multi.surbl.org`…
    public var zone: String
    /// The account key that goes in front of the zone (Spamhaus DQS).
    public var key: SecretRef?
    /// How the list's answers read.
    public var codes: BlocklistCodes
    public var location: SourceLocation

    public init(zone: String, key: SecretRef? = nil, codes: BlocklistCodes? = nil, location: SourceLocation = .builtIn) {
        self.zone = zone
        self.key = key
        self.codes = codes ?? BlocklistCodes.inferred(zone: zone)
        self.location = location
    }
}

/// The return-code convention of a list (monitoring.md "Blocklists"): each
/// documents which 127.x answers mean "listed" and which mean "refused".
public enum BlocklistCodes: String, Sendable, Hashable, Codable, CaseIterable {
    /// 127.0.1.x / 127.0.2.x listed; 127.255.255.x refused (bad query, open resolver, rate limit).
    case spamhaus
    /// A bitmask in 127.0.0.x; 127.0.0.1 means this resolver is blocked.
    case surbl
    /// A bitmask in 127.0.0.x; 127.0.0.1 means the query was refused.
    case uribl
    /// Any other 127.0.0.0/8 answer listed, except 127.255.255.x and 127.0.0.1 (refusals by convention).
    case generic

    /// From the zone's name; `codes:` in the inventory overrides it.
    public static func inferred(zone: String) -> BlocklistCodes {
        let z = zone.lowercased()
        if z.hasSuffix("spamhaus.org") || z.hasSuffix("spamhaus.net") { return .spamhaus }
        if z.hasSuffix("surbl.org") { return .surbl }
        if z.hasSuffix("uribl.com") { return .uribl }
        return .generic
    }
}
