import DNSRecords

/// Between Porkbun rows and our canonical records (registrars.md A3, Part C).
enum PorkbunRecordMapping {
    enum Mapped {
        case managed(DNSRecord)
        case foreign(ForeignRecord)
        /// Provider-owned (apex NS): never shown, never written.
        case ignored
    }

    static func map(_ row: PorkbunWire.Record, zone: String) -> Mapped {
        let name = DomainName.absolute(row.name, zone: zone)
        let type = row.type.uppercased()
        let ttl = row.ttl?.int ?? 600
        if type == "NS" && name == DomainName.normalize(zone) { return .ignored }
        if let t = RecordType(rawValue: type) {
            let prio = t == .MX ? (row.prio?.int ?? 0) : nil
            return .managed(DNSRecord(name: name, type: t, ttl: ttl, priority: prio, value: row.content))
        }
        let prio = row.prio?.int.flatMap { $0 == 0 ? nil : $0 }
        return .foreign(ForeignRecord(name: name, type: type, ttl: ttl, priority: prio, value: row.content))
    }

    static func input(_ r: DNSRecord, zone: String) -> PorkbunRecordInput {
        PorkbunRecordInput(name: DomainName.relative(r.name, zone: zone), type: r.type.rawValue,
                           content: content(r), ttl: r.ttl, prio: r.type == .MX ? (r.priority ?? 0) : nil)
    }

    /// Targets go out without a trailing dot; TXT raw, without quotes (A3).
    static func content(_ r: DNSRecord) -> String {
        switch r.type {
        case .CNAME, .MX, .NS: return DomainName.normalize(r.value)
        default: return r.value
        }
    }

    /// The parking and e-mail forwarding rows on a freshly bought domain (A3).
    static func isRegistrarDefault(_ ref: RecordRef, zone: String) -> Bool {
        let apex = DomainName.normalize(zone)
        switch ref {
        case .foreign(let f):
            return f.type == "ALIAS" && f.name == apex && DomainName.normalize(f.value) == "pixie.porkbun.com"
        case .managed(let r):
            let v = DomainName.normalize(r.value)
            if r.type == .CNAME && r.name == "*." + apex && v == "pixie.porkbun.com" { return true }
            if r.type == .MX && r.name == apex && (v == "fwd1.porkbun.com" || v == "fwd2.porkbun.com") { return true }
            return false
        }
    }

    // MARK: URL forwarding

    static func forward(_ w: PorkbunWire.URLForward) -> WebForward {
        WebForward(host: w.subdomain ?? "", location: w.location,
                   code: w.type?.lowercased() == "temporary" ? .temporary : .permanent,
                   keepPath: w.includePath?.value?.lowercased() == "yes")
    }

    static func input(_ f: WebForward) -> PorkbunWire.URLForwardInput {
        PorkbunWire.URLForwardInput(subdomain: f.host == "@" ? "" : f.host, location: f.location,
                                    type: f.code == .temporary ? "temporary" : "permanent",
                                    includePath: f.keepPath ? "yes" : "no")
    }

    /// Porkbun serves a forward through its own ALIAS (apex) or CNAME to a
    /// `*.porkbun.com` host, visible in `retrieve` (A2; dnscontrol skips exactly
    /// these at forwarded names). The parking rows point there too.
    static func pointsAtPorkbun(_ row: PorkbunWire.Record) -> Bool {
        ["ALIAS", "CNAME"].contains(row.type.uppercased()) && DomainName.normalize(row.content).hasSuffix(".porkbun.com")
    }

    /// A row that serves one of `forwards`: owned by the forward, not a record.
    static func servesForward(_ row: PorkbunWire.Record, zone: String, forwards: [WebForward]) -> Bool {
        guard pointsAtPorkbun(row) else { return false }
        let rel = DomainName.relative(DomainName.absolute(row.name, zone: zone), zone: zone)
        let host = rel.isEmpty ? "@" : rel
        return forwards.contains { $0.host == host }
    }
}
