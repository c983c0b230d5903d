/// The DNS lookup count of an SPF record against RFC 7208's limit of 10.
public struct SPFLookupCount: Sendable, Hashable {
    public static let limit = 10
    /// From this count on the linter warns: a vendor adding one include to
    /// its tree would break every domain at once.
    public static let warnAt = 9

    public var total: Int
    /// Includes whose cost is unknown, counted as 1 each (a lower bound).
    public var unknownIncludes: [String]

    public var isExact: Bool { unknownIncludes.isEmpty }

    /// Counts `record`'s lookups. `explicit` gives per-include costs that
    /// override `costs`; `redirect=` is priced like an include.
    public static func count(_ record: SPFRecord, costs: SPFLookupCosts = .known, explicit: [String: Int] = [:]) -> SPFLookupCount {
        var total = 0
        var unknown: [String] = []
        let explicitNorm = Dictionary(explicit.map { (DomainName.normalize($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
        for term in record.terms {
            let nested: String?
            switch term.kind {
            case .mechanism(.include): nested = term.value
            case .modifier("redirect"): nested = term.value
            default: nested = nil
            }
            if let d = nested.map(DomainName.normalize) {
                if let c = costs.cost(of: d, explicit: explicitNorm[d]) { total += c } else { total += 1; unknown.append(d) }
            } else {
                total += term.ownLookups
            }
        }
        return SPFLookupCount(total: total, unknownIncludes: unknown)
    }
}
