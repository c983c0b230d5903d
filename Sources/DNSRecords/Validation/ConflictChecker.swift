/// Checks a set of records of one zone for combinations DNS or mail
/// receivers reject: a CNAME at the apex or beside any other record at its
/// name (RFC 1034 3.6.2, RFC 2181 10.1), two CNAMEs at a name, two SPF
/// records (a permerror, RFC 7208 3.2), two DMARC records (RFC 7489 6.6.3),
/// and exact duplicates.
public enum ConflictChecker {
    public static func problems(_ records: [DNSRecord], zone: String) -> [DNSProblem] {
        let apex = DomainName.normalize(zone)
        var out: [DNSProblem] = []
        let byName = Dictionary(grouping: records, by: \.name)
        for name in byName.keys.sorted() {
            let rs = byName[name]!
            let cnames = rs.filter { $0.type == .CNAME }
            if !cnames.isEmpty {
                if name == apex {
                    out.append(.error(.cnameAtApex, "a CNAME at the zone apex is not allowed (the apex has SOA and NS records)", name: name))
                }
                if cnames.count > 1 {
                    out.append(.error(.multipleCNAMEs, "\(cnames.count) CNAME records at one name", name: name))
                }
                let others = Set(rs.filter { $0.type != .CNAME }.map(\.type)).sorted()
                if !others.isEmpty {
                    out.append(.error(.cnameWithOtherRecords,
                                      "a CNAME cannot share its name with other records (\(others.map(\.rawValue).joined(separator: ", ")))",
                                      name: name))
                }
            }
            let txt = rs.filter { $0.type == .TXT }
            let spf = txt.filter { SPFRecord.isSPF($0.value) }
            if spf.count > 1 {
                out.append(.error(.multipleSPF, "\(spf.count) SPF records at one name; receivers treat that as a permanent error — merge them", name: name))
            }
            if name.hasPrefix("_dmarc.") {
                let dmarc = txt.filter { DMARCRecord.isDMARC($0.value) }
                if dmarc.count > 1 {
                    out.append(.error(.multipleDMARC, "\(dmarc.count) DMARC records; receivers then apply none", name: name))
                }
            }
            var seen = Set<RecordKey>()
            for r in rs.sorted(by: { $0.key < $1.key }) where !seen.insert(r.key).inserted {
                out.append(.error(.duplicateRecord, "the record '\(r)' is listed twice", name: name))
            }
        }
        return out
    }
}
