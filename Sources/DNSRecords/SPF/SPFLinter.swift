/// Checks a published (or desired) SPF TXT value: syntax, the 10-lookup
/// limit, and the mistakes that silently weaken or break SPF.
public enum SPFLinter {
    public static func lint(_ text: String, name: String? = nil, costs: SPFLookupCosts = .known,
                            explicit: [String: Int] = [:]) -> [DNSProblem] {
        let record: SPFRecord
        do { record = try SPFRecord.parse(text) } catch {
            var e = error
            e.name = name
            return [e]
        }
        var out: [DNSProblem] = []
        func add(_ p: DNSProblem) { var p = p; p.name = name; out.append(p) }

        let count = SPFLookupCount.count(record, costs: costs, explicit: explicit)
        if count.total > SPFLookupCount.limit {
            add(.error(.spfTooManyLookups, "\(count.total) DNS lookups; RFC 7208 allows \(SPFLookupCount.limit)"))
        } else if count.total >= SPFLookupCount.warnAt {
            add(.warning(.spfLookupsNearLimit, "\(count.total) of \(SPFLookupCount.limit) DNS lookups"))
        }
        for d in count.unknownIncludes {
            add(.warning(.spfUnknownIncludeCost, "lookup cost of include:\(d) is unknown (counted as 1)"))
        }

        var seen = Set<String>()
        for t in record.mechanisms {
            let key = t.description.lowercased().drop(while: { "+-~?".contains($0) })
            if !seen.insert(String(key)).inserted { add(.warning(.spfDuplicateTerm, "'\(t)' appears twice")) }
        }
        var modifiers: [String: Int] = [:]
        for t in record.terms { if case .modifier(let n) = t.kind { modifiers[n, default: 0] += 1 } }
        for n in ["redirect", "exp"] where modifiers[n, default: 0] > 1 {
            add(.error(.spfDuplicateModifier, "'\(n)=' appears \(modifiers[n]!) times; RFC 7208 allows one"))
        }

        let mechs = record.mechanisms
        if let i = mechs.firstIndex(where: { $0.kind == .mechanism(.all) }) {
            let all = mechs[i]
            if i != mechs.count - 1 {
                add(.warning(.spfAllNotLast, "mechanisms after '\(all)' are never evaluated"))
            }
            if all.qualifier == .pass {
                add(.error(.spfPermissiveAll, "'\(all)' lets anyone send as the domain"))
            }
            if modifiers["redirect"] != nil {
                add(.warning(.spfRedirectWithAll, "'redirect=' is ignored when the record has 'all'"))
            }
        } else if modifiers["redirect"] == nil {
            add(.warning(.spfNoAll, "no 'all' and no 'redirect=': unlisted senders get a neutral result"))
        }
        if mechs.contains(where: { $0.kind == .mechanism(.ptr) }) {
            add(.warning(.spfPtr, "'ptr' is slow and deprecated (RFC 7208 5.5)"))
        }
        return out
    }
}
