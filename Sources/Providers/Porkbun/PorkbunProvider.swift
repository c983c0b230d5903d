import DNSRecords
import Foundation

/// Porkbun as the reconciler sees it: per-record writes by id, TTLs of at
/// least 600, apex NS owned by Porkbun (registrars.md Part A).
public struct PorkbunProvider: RegistrarDNSProvider {
    public let client: PorkbunClient
    public var name: String { "porkbun" }
    public var registrarNameservers: [String] { PorkbunWire.defaultNameservers }
    public var zoneApexNameservers: [String] { PorkbunWire.zoneApexNameservers }

    public static let capabilities = ProviderCapabilities(
        writes: .perRecord, minimumTTL: 600, supportedTypes: [.A, .AAAA, .CNAME, .MX, .TXT, .NS, .CAA],
        apexNSManaged: false, forwardPathChoice: true)
    public var capabilities: ProviderCapabilities { Self.capabilities }

    /// How often a create whose outcome is unknown is re-read and retried.
    public var createAttempts = 4

    public init(client: PorkbunClient) { self.client = client }

    public func listDomains() async throws(ProviderError) -> [RegistrarDomain] {
        try await client.listAllDomains().map { d in
            RegistrarDomain(name: DomainName.normalize(d.domain), expires: d.expires, autoRenew: d.autoRenew?.value ?? false,
                            locked: d.securityLock?.value ?? false, status: d.status)
        }
    }

    public func delegation(of domain: String) async throws(ProviderError) -> Delegation {
        Delegation(nameservers: try await client.getNs(domain), registrarNameservers: registrarNameservers)
    }

    /// There is no "reset to default" call; send Porkbun's four names (A6).
    public func useRegistrarDNS(_ domain: String) async throws(ProviderError) {
        try await client.updateNs(domain, registrarNameservers)
    }

    public var canSetAutoRenew: Bool { true }

    public func setAutoRenew(_ domain: String, _ on: Bool) async throws(ProviderError) {
        try await client.updateAutoRenew(domain, on)
    }

    public func zone(_ domain: String) async throws(ProviderError) -> ObservedZone {
        let rows = try await client.retrieve(domain)
        return observed(domain, rows, forwards: try await forwards(domain, rows: rows))
    }

    /// A forward always leaves its ALIAS/CNAME to Porkbun in the zone (A2), so
    /// a zone without one has no forward and costs no second request (1/s).
    func forwards(_ domain: String, rows: [PorkbunWire.Record]) async throws(ProviderError) -> [WebForward] {
        guard rows.contains(where: PorkbunRecordMapping.pointsAtPorkbun) else { return [] }
        return try await client.getUrlForwarding(domain).map(PorkbunRecordMapping.forward)
    }

    func observed(_ domain: String, _ rows: [PorkbunWire.Record], forwards: [WebForward] = []) -> ObservedZone {
        var records: [DNSRecord] = [], foreign: [ForeignRecord] = [], defaults: [RecordRef] = []
        for row in rows where !PorkbunRecordMapping.servesForward(row, zone: domain, forwards: forwards) {
            let ref: RecordRef
            switch PorkbunRecordMapping.map(row, zone: domain) {
            case .managed(let r): records.append(r); ref = .managed(r)
            case .foreign(let f): foreign.append(f); ref = .foreign(f)
            case .ignored: continue
            }
            if PorkbunRecordMapping.isRegistrarDefault(ref, zone: domain) { defaults.append(ref) }
        }
        return ObservedZone(domain: domain, records: records, foreign: foreign, registrarDefaults: defaults, forwards: forwards)
    }

    /// Deletes, then edits, then creates (so a CNAME can replace other rows at a
    /// name). Every step checks the freshly read zone first, so running the
    /// same change set again converges instead of duplicating.
    public func apply(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone {
        let domain = changes.domain
        for r in changes.create + changes.update.map(\.to) where !capabilities.supports(r, zone: domain) {
            throw client.http.error(.unsupported, "apply", domain, nil, "Porkbun cannot manage \(r.type.rawValue) at \(r.name)")
        }
        var rows = try await client.retrieve(domain)

        func rowsMatching(_ key: RecordKey) -> [PorkbunWire.Record] {
            rows.filter { if case .managed(let r) = PorkbunRecordMapping.map($0, zone: domain) { return r.key == key }; return false }
        }

        // Deleted rows leave the local picture instead of costing a re-read (1 request/s).
        for r in changes.delete {
            for row in rowsMatching(r.key) {
                try await deleteGone(domain, row.id.value ?? "")
                rows.removeAll { $0.id == row.id }
            }
        }
        for f in changes.deleteForeign {
            let matches = rows.filter {
                if case .foreign(let o) = PorkbunRecordMapping.map($0, zone: domain) {
                    return o.name == f.name && o.type == f.type && DomainName.normalize(o.value) == DomainName.normalize(f.value)
                }
                return false
            }
            for row in matches {
                try await deleteGone(domain, row.id.value ?? "")
                rows.removeAll { $0.id == row.id }
            }
        }

        // An update edits in place (the id survives, no moment without the record).
        for u in changes.update {
            let target = rowsMatching(u.to.key)
            let source = u.from.key == u.to.key ? [] : rowsMatching(u.from.key)
            if let have = target.first, case .managed(let r) = PorkbunRecordMapping.map(have, zone: domain),
               capabilities.comparableTTL(r.ttl) == capabilities.comparableTTL(u.to.ttl) {
                // Already in the desired state: an edit would be a no-op error (A2). A leftover
                // source row (a previous run died between steps) still goes.
                for row in source { try await deleteGone(domain, row.id.value ?? "") }
                continue
            }
            if let row = target.first ?? source.first, let id = row.id.value {
                try await edit(domain, id: id, u.to)
                for extra in source where extra.id != row.id { try await deleteGone(domain, extra.id.value ?? "") }
                // Keep the local picture current instead of spending a read (1 request/s).
                let input = PorkbunRecordMapping.input(u.to, zone: domain)
                rows.removeAll { r in source.contains { $0.id == r.id } && !(r.id == row.id) }
                if let i = rows.firstIndex(where: { $0.id == row.id }) {
                    rows[i].name = u.to.name
                    rows[i].type = input.type
                    rows[i].content = input.content
                    rows[i].ttl = LenientString(String(max(input.ttl, capabilities.minimumTTL)))
                    rows[i].prio = input.prio.map { LenientString(String($0)) }
                }
            } else {
                try await createOnce(domain, u.to, known: &rows)
            }
        }
        for r in changes.create where rowsMatching(r.key).isEmpty {
            try await createOnce(domain, r, known: &rows)
        }
        if !changes.forwardHosts.isEmpty { try await applyForwards(changes) }
        return try await zone(domain)
    }

    /// After the records (a parking ALIAS at the name goes first). No edit
    /// exists: a forward that differs is deleted and added again (A2). Every
    /// step starts from a fresh list, so a re-run converges.
    private func applyForwards(_ changes: RecordChangeSet) async throws(ProviderError) {
        let domain = changes.domain
        var have = try await client.getUrlForwarding(domain)
        func at(_ host: String) -> [PorkbunWire.URLForward] {
            have.filter { PorkbunRecordMapping.forward($0).host == host }
        }
        let wanted = Dictionary(changes.setForwards.map { ($0.host, $0) }, uniquingKeysWith: { _, last in last })
        for host in changes.forwardHosts.sorted() {
            let current = at(host)
            if let want = wanted[host], current.count == 1, PorkbunRecordMapping.forward(current[0]) == want { continue }
            for f in current {
                try await deleteForwardGone(domain, f.id.value ?? "")
                have.removeAll { $0.id == f.id }
            }
            guard let want = wanted[host] else { continue }
            try await addForwardOnce(domain, want)
        }
    }

    private func deleteForwardGone(_ domain: String, _ id: String) async throws(ProviderError) {
        do { try await client.deleteUrlForward(domain, id: id) } catch where error.kind == .notFound {
            return
        }
    }

    /// Like `createOnce`: an add whose outcome is unknown is re-read, never resent blindly.
    private func addForwardOnce(_ domain: String, _ f: WebForward) async throws(ProviderError) {
        var lastError: ProviderError?
        for _ in 0..<createAttempts {
            do {
                try await client.addUrlForward(domain, PorkbunRecordMapping.input(f))
                return
            } catch where error.kind == .outcomeUnknown {
                lastError = error
                if try await client.getUrlForwarding(domain).contains(where: { PorkbunRecordMapping.forward($0) == f }) { return }
            }
        }
        throw lastError ?? client.http.error(.transient, "domain/addUrlForward", domain, nil, "add did not complete")
    }

    /// Deleting an id that is already gone is success (A2: error or success, both mean gone).
    private func deleteGone(_ domain: String, _ id: String) async throws(ProviderError) {
        do { try await client.delete(domain, id: id) } catch where error.kind == .notFound {
            return
        }
    }

    /// An edit that changes nothing answers `Edit error` (A2); if the record is
    /// then found in the desired state, the edit has in fact succeeded.
    private func edit(_ domain: String, id: String, _ r: DNSRecord) async throws(ProviderError) {
        do {
            try await client.edit(domain, id: id, PorkbunRecordMapping.input(r, zone: domain))
        } catch where error.kind == .invalidRequest && error.message.lowercased().contains("edit error") {
            if let row = try await client.retrieve(domain, id: id),
               case .managed(let now) = PorkbunRecordMapping.map(row, zone: domain),
               now.key == r.key, capabilities.comparableTTL(now.ttl) == capabilities.comparableTTL(r.ttl) {
                return
            }
            throw error
        }
    }

    /// Creates `r` exactly once: when a create's outcome is unknown (timeout,
    /// dropped connection, 503), re-read the zone and only create again when
    /// the record is still missing (A5: create is not idempotent).
    private func createOnce(_ domain: String, _ r: DNSRecord, known rows: inout [PorkbunWire.Record]) async throws(ProviderError) {
        var lastError: ProviderError?
        for _ in 0..<createAttempts {
            do {
                let input = PorkbunRecordMapping.input(r, zone: domain)
                let id = try await client.create(domain, input)
                // Known locally now, so a repeated entry in the same change set is not created twice.
                rows.append(PorkbunWire.Record(id: LenientString(id), name: r.name, type: input.type, content: input.content,
                                               ttl: LenientString(String(max(input.ttl, capabilities.minimumTTL))),
                                               prio: input.prio.map { LenientString(String($0)) }, notes: nil))
                return
            } catch where error.kind == .outcomeUnknown {
                lastError = error
                rows = try await client.retrieve(domain)
                let present = rows.contains {
                    if case .managed(let have) = PorkbunRecordMapping.map($0, zone: domain) { return have.key == r.key }
                    return false
                }
                if present { return }
            }
        }
        throw lastError ?? client.http.error(.transient, "dns/create", domain, nil, "create did not complete")
    }
}
