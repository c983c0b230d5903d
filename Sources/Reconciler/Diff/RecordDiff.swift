import DNSRecords

/// Desired records against a zone's observed records → record actions.
///
/// DNSControl's hands-off rule, applied by construction: an observed record
/// is *managed* only when the inventory declares it (same canonical key) or
/// the store says the tool created it; every other record is "unmanaged,
/// kept" — it is never updated or deleted, and on a whole-zone-write
/// provider it is copied into the write set so the write keeps it.
///
/// The rows a registrar keeps to serve a URL forward (Porkbun's ALIAS/CNAME
/// to its forwarding host, Namecheap's URL301/URL rows) never reach this
/// diff: the provider reports them as the forward (`ObservedZone.forwards`),
/// so while the forward exists they are neither drift nor deleted.
///
/// Changing a declared value pairs the old managed record with the new
/// desired one of the same name and type as one update (Porkbun edits a
/// record in place: one call instead of two).
public enum RecordDiff {
    public static func diff(zone rawZone: String, desired: [TargetRecord], observed: [DNSRecord],
                            owned: Set<RecordKey>, rules: ZoneRules = ZoneRules()) -> ZoneDiff {
        let zone = DomainName.normalize(rawZone)
        let batch = rules.batchPerZone ? "zone:\(zone)" : nil
        let zoneAddress = ResourceAddress(domain: zone, kind: .zone)

        // One desired record per key (or per name/type/output for unknown values).
        var seen = Set<String>()
        let wanted = desired.filter { seen.insert(identity(of: $0, zone: zone)).inserted }
        var unmatchedWanted = Dictionary(uniqueKeysWithValues: wanted.compactMap { d in
            d.record.map { ($0.key, d) }
        })

        let exclusive = Set(wanted.compactMap { ExclusiveSlot($0.name, $0.type, $0.record?.value) })
        var actions: [PlanAction] = []
        var kept: [DNSRecord] = []
        var managed: [DNSRecord] = []
        var leftoverManaged: [DNSRecord] = []
        var competing: Set<RecordKey> = []
        for record in observed.sorted(by: { $0.key < $1.key }) {
            if let want = unmatchedWanted.removeValue(forKey: record.key) {
                managed.append(record)
                let wantTTL = rules.effective(desiredTTL: want.ttl)
                if rules.effective(observedTTL: record.ttl) != wantTTL {
                    var after = want
                    after.ttl = wantTTL
                    actions.append(PlanAction(.update, address(of: record, zone: zone),
                                              before: ResourceState(record: record), after: after.state,
                                              batch: batch, observed: zoneAddress))
                }
            } else if owned.contains(record.key)
                        || ExclusiveSlot(record.name, record.type, record.value).map(exclusive.contains) == true {
                // Ours, or it competes with a record the inventory declares
                // (a second SPF or DMARC record, another DKIM key at our
                // selector): keeping both would break the declared one.
                if !owned.contains(record.key) { competing.insert(record.key) }
                managed.append(record)
                leftoverManaged.append(record)
            } else {
                kept.append(record)
            }
        }

        // Desired records still missing: pair with leftover managed records of
        // the same name and type as updates; the rest are creates.
        let missing = wanted.filter { d in d.record.map { unmatchedWanted[$0.key] != nil } ?? true }
        for want in missing.sorted(by: { identity(of: $0, zone: zone) < identity(of: $1, zone: zone) }) {
            var after = want
            after.ttl = rules.effective(desiredTTL: want.ttl)
            if let i = leftoverManaged.firstIndex(where: { $0.name == want.name && $0.type == want.type }) {
                let old = leftoverManaged.remove(at: i)
                actions.append(PlanAction(.update, address(of: old, zone: zone),
                                          before: ResourceState(record: old), after: after.state,
                                          batch: batch, observed: zoneAddress,
                                          note: competing.contains(old.key) ? Self.competingNote : nil))
            } else {
                actions.append(PlanAction(.create, ResourceAddress(domain: zone, kind: .dnsRecord,
                                                                   identity: identity(of: want, zone: zone)),
                                          after: after.state, batch: batch, observed: zoneAddress))
            }
        }
        for old in leftoverManaged {
            actions.append(PlanAction(.delete, address(of: old, zone: zone),
                                      before: ResourceState(record: old), batch: batch, observed: zoneAddress,
                                      note: competing.contains(old.key) ? Self.competingNote : nil))
        }

        let desiredKnown = wanted.compactMap { d -> DNSRecord? in
            guard var r = d.record else { return nil }
            r.ttl = rules.effective(desiredTTL: r.ttl)
            return r
        }
        return ZoneDiff(zone: zone, actions: actions.sorted(by: PlanAction.planOrder),
                        unmanagedKept: kept, managedObserved: managed,
                        observedMX: observed.filter { $0.type == .MX }.count,
                        writeSet: (kept + desiredKnown).sorted { $0.key < $1.key })
    }

    /// `_dmarc TXT v=DMARC1; p=none`, `@ MX 10 mx.zoho.com`: the record's
    /// name relative to its zone, type, priority and value.
    public static func identity(of record: DNSRecord, zone: String) -> String {
        let rel = DomainName.relative(record.name, zone: zone)
        let prio = record.priority.map { "\($0) " } ?? ""
        return "\(rel.isEmpty ? "@" : rel) \(record.type.rawValue) \(prio)\(record.value)"
    }

    static func identity(of desired: TargetRecord, zone: String) -> String {
        if let r = desired.record { return identity(of: r, zone: zone) }
        let rel = DomainName.relative(desired.name, zone: zone)
        let prio = desired.priority.map { "\($0) " } ?? ""
        var output = ""
        if case .knownAfterApply(let ref) = desired.value { output = ref.output }
        return "\(rel.isEmpty ? "@" : rel) \(desired.type.rawValue) \(prio)<\(output)>"
    }

    static let competingNote = "not ours, but a second one would break the declared record"

    /// A (name, type) where only one record may exist: a CNAME, or a TXT
    /// that carries SPF (`v=spf1`), DMARC (`v=DMARC1`) or a DKIM key (any TXT
    /// under `_domainkey`) — RFC 7208 3.2 and RFC 7489 6.6.3 make two of them
    /// a permanent error.
    struct ExclusiveSlot: Hashable {
        var name: String
        var kind: String

        init?(_ name: String, _ type: RecordType, _ value: String?) {
            self.name = name.lowercased()
            switch type {
            case .CNAME: kind = "CNAME"
            case .TXT:
                if self.name.hasPrefix("_domainkey.") || Self.has(self.name.utf8, "._domainkey.".utf8) { kind = "DKIM"; return }
                // A value known only after apply is a DKIM key (handled above) or nothing exclusive.
                guard let value else { return nil }
                if Self.startsIgnoringQuotesAndCase(value, "v=spf1") { kind = "SPF" }
                else if Self.startsIgnoringQuotesAndCase(value, "v=dmarc1") { kind = "DMARC" }
                else { return nil }
            default: return nil
            }
        }

        // Byte-level checks: Foundation's `contains`/`replacingOccurrences`
        // went through NSString for every TXT record of every plan.
        static func has(_ haystack: String.UTF8View, _ needle: String.UTF8View) -> Bool {
            let h = Array(haystack), n = Array(needle)
            guard !n.isEmpty, h.count >= n.count else { return n.isEmpty }
            for i in 0...(h.count - n.count) where h[i] == n[0] && h[i..<(i + n.count)].elementsEqual(n) { return true }
            return false
        }

        /// `value.lowercased()` with its double quotes removed starts with
        /// `prefix` (lower-case ASCII): compared byte by byte, since no
        /// non-ASCII character lower-cases to one of the prefixes' letters.
        static func startsIgnoringQuotesAndCase(_ value: String, _ prefix: StaticString) -> Bool {
            var i = 0
            let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            for b in value.utf8 where b != UInt8(ascii: "\"") {
                if i == p.count { return true }
                let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
                if lower != p[i] { return false }
                i += 1
            }
            return i == p.count
        }
    }

    static func address(of record: DNSRecord, zone: String) -> ResourceAddress {
        ResourceAddress(domain: zone, kind: .dnsRecord, identity: identity(of: record, zone: zone))
    }
}
