/// Builds a domain's one SPF record from the providers that send or receive
/// for it and the operator's own includes.
///
/// There must be exactly one `v=spf1` record per name (two are a permerror,
/// mail-platforms.md 3.3), so Mailgun's and Zoho's includes are merged into
/// one record, in a fixed order: Mailgun, Zoho, then the operator's includes
/// as written (duplicates dropped), then `<qualifier>all`.
public struct SPFBuilder: Sendable, Hashable {
    public struct Include: Sendable, Hashable {
        public var domain: String
        /// Total lookups of this include when the table does not know it (or is wrong).
        public var lookups: Int?

        public init(_ domain: String, lookups: Int? = nil) {
            self.domain = DomainName.normalize(domain)
            self.lookups = lookups
        }
    }

    public var mailgun: MailgunRegion?
    public var zoho: ZohoRegion?
    public var includes: [Include]
    public var qualifier: SPFQualifier
    public var costs: SPFLookupCosts

    public init(mailgun: MailgunRegion? = nil, zoho: ZohoRegion? = nil, includes: [Include] = [],
                qualifier: SPFQualifier = .softfail, costs: SPFLookupCosts = .known) {
        self.mailgun = mailgun
        self.zoho = zoho
        self.includes = includes
        self.qualifier = qualifier
        self.costs = costs
    }

    public struct Built: Sendable, Hashable {
        public var record: SPFRecord
        public var lookups: Int
        /// E.g. lookups near the limit.
        public var warnings: [DNSProblem]
        public var text: String { record.description }
    }

    /// The record, or the first problem that makes it unpublishable: an
    /// include of unknown cost, more than 10 lookups, or `+all`.
    public func build() throws(DNSProblem) -> Built {
        guard qualifier != .pass else {
            throw .error(.spfPermissiveAll, "'+all' lets anyone send as the domain; use softfail, fail or neutral")
        }
        var all: [Include] = []
        if let mailgun { all.append(Include(mailgun.spfInclude)) }
        if let zoho { all.append(Include(zoho.spfInclude)) }
        all += includes
        var seen = Set<String>()
        var terms: [SPFTerm] = []
        var explicit: [String: Int] = [:]
        for inc in all {
            guard !inc.domain.isEmpty else { throw .error(.spfSyntax, "an SPF include needs a domain") }
            guard SPFTerm.isDomainSpec(inc.domain) else { throw .error(.spfSyntax, "'\(inc.domain)' is not a domain for include:") }
            guard seen.insert(inc.domain).inserted else { continue }
            if let l = inc.lookups { explicit[inc.domain] = l }
            guard costs.cost(of: inc.domain, explicit: inc.lookups) != nil else {
                throw .error(.spfUnknownIncludeCost,
                             "the DNS lookup cost of include:\(inc.domain) is unknown; give it explicitly (lookups: N)")
            }
            terms.append(.include(inc.domain))
        }
        terms.append(.all(qualifier))
        let record = SPFRecord(terms: terms)
        let count = SPFLookupCount.count(record, costs: costs, explicit: explicit)
        if count.total > SPFLookupCount.limit {
            throw .error(.spfTooManyLookups,
                         "the SPF record needs \(count.total) DNS lookups; RFC 7208 allows \(SPFLookupCount.limit) (\(record))")
        }
        var warnings: [DNSProblem] = []
        if count.total >= SPFLookupCount.warnAt {
            warnings.append(.warning(.spfLookupsNearLimit,
                                     "the SPF record needs \(count.total) of \(SPFLookupCount.limit) DNS lookups"))
        }
        return Built(record: record, lookups: count.total, warnings: warnings)
    }
}
