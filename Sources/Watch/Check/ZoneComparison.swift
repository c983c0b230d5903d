import DNSRecords
import Inventory
import Reconciler
import Resolver

/// Compares one domain's published records with its expected zone. Only
/// declared record sets are judged; other records at other names are the
/// operator's (the plan's hands-off premise). At a name we manage, a second
/// SPF, DMARC or DKIM record competes with ours and is named.
enum ZoneComparison {
    /// The questions one domain needs: every declared (name, type), and the
    /// apex NS for the delegation.
    static func questions(_ zone: ExpectedZone) -> [DNSQuestion] {
        var seen = Set<DNSQuestion>()
        var out: [DNSQuestion] = []
        let all = zone.records.map { DNSQuestion($0.record.name, $0.record.type) }
            + zone.pending.map { DNSQuestion($0.name, $0.type) }
            + (zone.apexNameservers.isEmpty ? [] : [DNSQuestion(zone.domain, .NS)])
        for q in all where seen.insert(q).inserted { out.append(q) }
        return out
    }

    static func verdict(_ zone: ExpectedZone, answers: [DNSQuestion: DNSAnswer]) -> DomainVerdict {
        var findings: [RecordFinding] = []
        var groups: [DNSQuestion: [ExpectedZone.Record]] = [:]
        var order: [DNSQuestion] = []
        for r in zone.records {
            let q = DNSQuestion(r.record.name, r.record.type)
            if groups[q] == nil { order.append(q) }
            groups[q, default: []].append(r)
        }
        for q in order {
            let declared = groups[q]!
            guard let answer = answers[q], let published = answer.known else {
                findings.append(unknown(q, purpose: declared[0].purpose.rawValue, declared.map { show($0.record) }, answers[q]))
                continue
            }
            findings += judge(q, declared: declared, published: published)
        }
        for p in zone.pending {
            findings.append(RecordFinding(name: p.name, type: p.type, purpose: p.purpose.rawValue, status: .pending,
                                          expected: [p.value.description], published: [],
                                          detail: "its value exists once apply has created it"))
        }
        if !zone.apexNameservers.isEmpty {
            let q = DNSQuestion(zone.domain, .NS)
            let want = zone.apexNameservers.sorted()
            if let published = answers[q]?.known {
                let have = published.map(\.value).sorted()
                findings.append(RecordFinding(name: zone.domain, type: .NS, purpose: "nameservers",
                                              status: have == want ? .ok : (have.isEmpty ? .missing : .different),
                                              expected: want, published: have))
            } else {
                findings.append(unknown(q, purpose: "nameservers", want, answers[q]))
            }
        }
        return DomainVerdict(domain: zone.domain, group: zone.group, findings: findings)
    }

    private static func judge(_ q: DNSQuestion, declared: [ExpectedZone.Record], published: [DNSRecord]) -> [RecordFinding] {
        let want = declared.map { show($0.record) }.sorted()
        let have = published.map(show).sorted()
        func finding(_ purpose: DesiredRecord.Purpose, _ status: RecordFinding.Status, _ expected: [String] = [], _ got: [String] = [],
                     _ detail: String? = nil) -> RecordFinding {
            RecordFinding(name: q.name, type: q.type, purpose: purpose.rawValue, status: status,
                          expected: expected.isEmpty ? want : expected, published: got.isEmpty ? have : got, detail: detail)
        }
        switch q.type {
        case .MX, .CNAME:
            // The whole set is ours: an extra MX receives mail we never see.
            return [finding(declared[0].purpose, have == want ? .ok : (have.isEmpty ? .missing : .different))]
        case .TXT:
            // At one name (the apex holds SPF and Zoho's verification code) each
            // record is judged by its own purpose: one SPF, DMARC or DKIM record
            // of its kind per name; other TXT records there are not ours.
            var out: [RecordFinding] = []
            var codes: [ExpectedZone.Record] = []
            for d in declared {
                guard [.spf, .dmarc, .mailgunDKIM, .zohoDKIM].contains(d.purpose) else { codes.append(d); continue }
                out.append(single(d, published: published, finding: finding))
            }
            if !codes.isEmpty { out.append(present(codes, have: have, finding: finding)) }
            return out
        default:
            return [present(declared, have: have, finding: finding)]
        }
    }

    /// Verification codes, extra records: declared values must be there.
    private static func present(_ declared: [ExpectedZone.Record], have: [String],
                                finding: (DesiredRecord.Purpose, RecordFinding.Status, [String], [String], String?) -> RecordFinding) -> RecordFinding {
        let want = declared.map { show($0.record) }.sorted()
        let missing = Set(want).subtracting(have)
        return finding(declared[0].purpose, missing.isEmpty ? .ok : (have.isEmpty ? .missing : .different), want, have,
                       missing.isEmpty ? nil : "not published: \(missing.sorted().joined(separator: ", "))")
    }

    /// An SPF, DMARC or DKIM record: exactly one of its kind at its name.
    private static func single(_ d: ExpectedZone.Record, published: [DNSRecord],
                               finding: (DesiredRecord.Purpose, RecordFinding.Status, [String], [String], String?) -> RecordFinding) -> RecordFinding {
        let kind = SingleTXT(purpose: d.purpose)
        let ofKind = published.filter { kind.matches($0.value) }.map(\.value)
        let wantValue = d.record.value
        let status: RecordFinding.Status
        if ofKind.isEmpty { status = .missing }
        else if ofKind.count > 1 { status = .competing }
        else { status = kind.same(ofKind[0], wantValue) ? .ok : .different }
        var detail: String? = status == .competing ? "\(ofKind.count) \(kind.label) records: receivers ignore them all" : nil
        if d.purpose == .spf, ofKind.count == 1, let spf = try? SPFRecord.parse(ofKind[0]) {
            let lookups = SPFLookupCount.count(spf)
            if lookups.total > SPFLookupCount.limit {
                return finding(d.purpose, .different, [wantValue], ofKind, "\(lookups.total) DNS lookups, over the limit of \(SPFLookupCount.limit)")
            }
            if status == .ok, !lookups.isExact {
                detail = "includes of unknown cost: \(lookups.unknownIncludes.joined(separator: ", "))"
            }
        }
        return finding(d.purpose, status, [wantValue], ofKind, detail)
    }

    private static func unknown(_ q: DNSQuestion, purpose: String, _ expected: [String], _ answer: DNSAnswer?) -> RecordFinding {
        var why = "not asked"
        if case .unknown(let w)? = answer { why = w }
        return RecordFinding(name: q.name, type: q.type, purpose: purpose, status: .unknown, expected: expected, published: [], detail: why)
    }

    private static func show(_ r: DNSRecord) -> String {
        r.priority.map { "\($0) \(r.value)" } ?? r.value
    }
}

/// The TXT records of which a name holds exactly one.
private struct SingleTXT {
    var purpose: DesiredRecord.Purpose

    var label: String {
        switch purpose {
        case .spf: "SPF"
        case .dmarc: "DMARC"
        default: "DKIM"
        }
    }

    func matches(_ value: String) -> Bool {
        switch purpose {
        case .spf: SPFRecord.isSPF(value)
        case .dmarc: DMARCRecord.isDMARC(value)
        // At our selector every TXT is a key (some publish without `v=DKIM1`).
        default: true
        }
    }

    /// SPF terms are separated by any run of spaces; DKIM and DMARC tags
    /// may carry spaces around `;` and `=`.
    func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        if purpose == .spf { return a.split(whereSeparator: \.isWhitespace) == b.split(whereSeparator: \.isWhitespace) }
        return a.filter { !$0.isWhitespace } == b.filter { !$0.isWhitespace }
    }
}
