import DNSRecords

/// Between Namecheap host rows and canonical records (registrars.md B3, Part C).
enum NamecheapRecordMapping {
    static let hostnameTypes: Set<String> = ["CNAME", "MX", "NS", "ALIAS"]

    static func map(_ h: NamecheapWire.Host, zone: String) -> RecordRef {
        let name = h.name == "@" || h.name.isEmpty ? DomainName.normalize(zone) : DomainName.normalize(h.name + "." + zone)
        if let t = RecordType(rawValue: h.type.uppercased()) {
            return .managed(DNSRecord(name: name, type: t, ttl: h.ttl, priority: t == .MX ? h.mxPref : nil, value: h.address))
        }
        let value = hostnameTypes.contains(h.type.uppercased()) ? DomainName.normalize(h.address) : h.address
        return .foreign(ForeignRecord(name: name, type: h.type, ttl: h.ttl, priority: nil, value: value))
    }

    static func host(_ r: DNSRecord, zone: String) -> NamecheapWire.Host {
        let rel = DomainName.relative(r.name, zone: zone)
        let address: String
        switch r.type {
        case .CNAME, .MX, .NS: address = DomainName.normalize(r.value)
        default: address = r.value
        }
        return NamecheapWire.Host(name: rel.isEmpty ? "@" : rel, type: r.type.rawValue, address: address,
                                  mxPref: r.type == .MX ? (r.priority ?? 10) : 10, ttl: min(60000, max(60, r.ttl)))
    }

    static func host(_ f: ForeignRecord, zone: String) -> NamecheapWire.Host {
        let rel = DomainName.relative(f.name, zone: zone)
        return NamecheapWire.Host(name: rel.isEmpty ? "@" : rel, type: f.type, address: f.value, mxPref: f.priority ?? 10, ttl: f.ttl)
    }

    /// Identity of a row, never its HostId (B3): host without case, type,
    /// address without case and one trailing dot for host names, MXPref for MX.
    struct Identity: Hashable {
        var name: String, type: String, address: String, pref: Int?
    }

    static func identity(_ h: NamecheapWire.Host) -> Identity {
        let type = h.type.uppercased()
        var address = h.address
        if hostnameTypes.contains(type) { address = DomainName.normalize(address) }
        var name = h.name.lowercased()
        if name.isEmpty { name = "@" }
        while name.hasSuffix(".") { name.removeLast() }
        return Identity(name: name, type: type, address: address, pref: type == "MX" ? h.mxPref : nil)
    }

    /// `www CNAME parkingpage.namecheap.com.` and `@ URL http://www.<domain>/` (B3).
    static func isRegistrarDefault(_ ref: RecordRef, zone: String) -> Bool {
        let apex = DomainName.normalize(zone)
        switch ref {
        case .managed(let r):
            return r.type == .CNAME && r.name == "www." + apex && r.value == "parkingpage.namecheap.com"
        case .foreign(let f):
            return f.type == "URL" && f.name == apex && f.value.lowercased().hasPrefix("http://www.\(apex)")
        }
    }

    // MARK: URL forwarding

    /// `URL301` is Namecheap's permanent unmasked redirect, `URL` the
    /// temporary one (B2 record types; FRAME, the masked one, stays foreign).
    static let forwardTypes: [String: WebForward.Code] = ["URL301": .permanent, "URL": .temporary]

    /// A URL301/URL row at the apex or `www` read as a forward. Namecheap has
    /// no path option; its redirect is taken to keep the path (unverified,
    /// README), and `path: drop` is refused at plan time.
    static func forward(_ h: NamecheapWire.Host) -> WebForward? {
        guard let code = forwardTypes[h.type.uppercased()] else { return nil }
        let host = h.name.isEmpty ? "@" : h.name.lowercased()
        guard forwardHosts.contains(host) else { return nil }
        return WebForward(host: host, location: h.address, code: code, keepPath: true)
    }

    static let forwardHosts: Set<String> = ["@", "www"]

    static func host(_ f: WebForward) -> NamecheapWire.Host {
        NamecheapWire.Host(name: f.host, type: f.code == .temporary ? "URL" : "URL301", address: f.location,
                           mxPref: 10, ttl: 1800)
    }
}
