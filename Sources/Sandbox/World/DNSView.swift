import DNSRecords

/// The authoritative DNS of the emulated world: every registrar emulator
/// publishes its zones here, and the Mailgun and Zoho emulators verify
/// domains only from what is really published. Later a real DNS server
/// (Knot) serves the same view.
public actor DNSView {
    private var zones: [String: [DNSRecord]] = [:]

    public init() {}

    /// Replaces the published contents of `zone` (registrars call this after every write).
    public func publish(zone: String, records: [DNSRecord]) {
        zones[DomainName.normalize(zone)] = records
    }

    public func remove(zone: String) {
        zones[DomainName.normalize(zone)] = nil
    }

    /// All records of `type` at `name`, as a resolver would see them.
    public func lookup(_ name: String, _ type: RecordType) -> [DNSRecord] {
        let n = DomainName.normalize(name)
        guard let zone = zoneContaining(n) else { return [] }
        return zones[zone, default: []].filter { $0.name == n && $0.type == type }
    }

    public func records(zone: String) -> [DNSRecord] {
        zones[DomainName.normalize(zone)] ?? []
    }

    public func allZones() -> [String] { zones.keys.sorted() }

    /// Every published zone at once (for exporting the view to a real DNS server).
    public func snapshot() -> [String: [DNSRecord]] { zones }

    private func zoneContaining(_ name: String) -> String? {
        var candidate = Substring(name)
        while true {
            if zones[String(candidate)] != nil { return String(candidate) }
            guard let dot = candidate.firstIndex(of: ".") else { return nil }
            candidate = candidate[candidate.index(after: dot)...]
        }
    }
}
