import DNSRecords

/// The authoritative DNS of the emulated world: every registrar emulator
/// publishes its zones here, and the Mailgun and Zoho emulators verify
/// domains only from what is really published. A real DNS server (Knot)
/// serves the same view. With each zone go the web forwards its registrar
/// serves (`SandboxWeb` answers them over HTTP).
public actor DNSView {
    private var zones: [String: [DNSRecord]] = [:]
    /// Zone → its forwards; a zone that is not published forwards nothing.
    private var forwards: [String: [WebForward]] = [:]

    public init() {}

    /// Replaces the published contents of `zone` (registrars call this after every write).
    public func publish(zone: String, records: [DNSRecord]) {
        zones[DomainName.normalize(zone)] = records
    }

    public func remove(zone: String) {
        zones[DomainName.normalize(zone)] = nil
        forwards[DomainName.normalize(zone)] = nil
    }

    /// Replaces the forwards the registrar serves for `zone`'s hosts.
    public func publishForwards(zone: String, _ list: [WebForward]) {
        forwards[DomainName.normalize(zone)] = list.isEmpty ? nil : list
    }

    /// The forward serving `host` (`getacme.io`, `www.getacme.io`), if any.
    public func forward(host: String) -> WebForward? {
        let h = DomainName.normalize(host)
        guard let zone = zoneContaining(h) else { return nil }
        let label = h == zone ? "@" : String(h.dropLast(zone.count + 1))
        return forwards[zone]?.first { $0.host == label }
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
