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
    /// How long rows this process read or wrote stand in for the `retrieve`
    /// a change set starts with (issue #13 §2: one zone read per domain per
    /// apply). Safe for per-record writes: only rows matched to the change
    /// set are touched, by id — a row added since is never lost, a stale id
    /// fails (`Invalid record ID`) or is gone already, and an unknown create
    /// still re-reads. 0 reads every time.
    public var rememberFor: TimeInterval = 120
    private let memory = PorkbunRowMemory()
    private let locks = KeyedLock()

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
        let started = Date()
        let rows = try await client.retrieve(domain)
        await memory.remember(domain, rows, readSince: started)
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
    /// name). Every step checks the zone's rows first (read now, or this
    /// process's own picture of them, `rememberFor`), so running the same
    /// change set again converges instead of duplicating. Returns the rows as
    /// written — what a `retrieve` now returns — without reading them again
    /// (a change of web forwards does read again).
    public func apply(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone {
        let domain = changes.domain
        for r in changes.create + changes.update.map(\.to) where !capabilities.supports(r, zone: domain) {
            throw client.http.error(.unsupported, "apply", domain, nil, "Porkbun cannot manage \(r.type.rawValue) at \(r.name)")
        }
        let memory = self.memory
        let result: Result<ObservedZone, ProviderError> = await locks.withLock(domain) { () async -> Result<ObservedZone, ProviderError> in
            do throws(ProviderError) { return .success(try await write(changes)) } catch {
                // Whatever happened, the picture may be wrong now: read next time.
                await memory.forget(domain)
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func write(_ changes: RecordChangeSet) async throws(ProviderError) -> ObservedZone {
        let domain = changes.domain
        var rows: [PorkbunWire.Record]
        if rememberFor > 0, let known = await memory.recall(domain, maxAge: rememberFor) { rows = known }
        else { rows = try await client.retrieve(domain) }

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
                for row in source {
                    try await deleteGone(domain, row.id.value ?? "")
                    rows.removeAll { $0.id == row.id }
                }
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
        if !changes.forwardHosts.isEmpty {
            // A forward brings rows of Porkbun's own (its ALIAS/CNAME, A2) that no
            // local picture knows: read the zone as it is now.
            try await applyForwards(changes)
            return try await zone(domain)
        }
        await memory.remember(domain, rows)
        return observed(domain, rows, forwards: try await forwards(domain, rows: rows))
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

/// Each zone's rows as this process last read or wrote them, with when.
actor PorkbunRowMemory {
    private var rows: [String: (rows: [PorkbunWire.Record], at: Date)] = [:]

    func remember(_ domain: String, _ r: [PorkbunWire.Record]) { rows[domain] = (r, Date()) }
    /// A read that overlapped a write of ours must not replace its picture.
    func remember(_ domain: String, _ r: [PorkbunWire.Record], readSince started: Date) {
        if let m = rows[domain], m.at >= started { return }
        rows[domain] = (r, started)
    }
    func forget(_ domain: String) { rows[domain] = nil }
    func recall(_ domain: String, maxAge: TimeInterval) -> [PorkbunWire.Record]? {
        guard let m = rows[domain], Date().timeIntervalSince(m.at) <= maxAge else { return nil }
        return m.rows
    }
}
