import DNSRecords
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Providers

/// A loopback Porkbun API v3 (registrars.md Part A), written from the
/// documented behaviour and *not* from the client: its own JSON handling,
/// its own name rules. Quirks kept on purpose: create is not idempotent, ids
/// are numbers on create and strings on retrieve, TTLs below 600 become 600,
/// a no-op edit is an error, fresh domains carry parking/forwarding rows,
/// throttling is an HTML 503.
public final class PorkbunEmulator: Sendable {
    public static let apiName = "porkbun"
    public static let basePath = "/api/json/v3"

    public let apiKey: String
    public let secretKey: String
    public let state: Locked<PorkbunEmulatorState>
    public let dnsView: DNSView
    public let counters = RequestCounters()
    public let faults: FaultInjector
    public let limiter: ServerRateLimiter
    /// What `pricing/get` quotes per TLD (`SandboxPriceList.porkbun` unless a test changes it).
    public let prices = Locked(SandboxPriceList.porkbun)

    public init(apiKey: String = "pk1_sandbox0000000000000000000000000000", secretKey: String = "sk1_sandbox0000000000000000000000000000",
                state: PorkbunEmulatorState = PorkbunEmulatorState(), dnsView: DNSView = DNSView(),
                limits: ServerRateLimits = .porkbun, faults: FaultInjector = FaultInjector(), clock: any FleetClock = SystemClock()) {
        self.apiKey = apiKey
        self.secretKey = secretKey
        self.state = Locked(state)
        self.dnsView = dnsView
        self.faults = faults
        limiter = ServerRateLimiter(limits: limits, clock: clock)
    }

    /// Registers domains as freshly bought and publishes their zones.
    public func register(_ domains: [String]) async {
        for d in domains { state.withValue { $0.register(d) } }
        await publishAll()
    }

    public func publishAll() async {
        for name in state.value.domains.keys { await publish(name) }
    }

    public func start(port: Int = 0) async throws -> EmulatorServer {
        try await EmulatorServer.start(name: Self.apiName, router: router(), port: port)
    }

    // MARK: Routes

    func router() -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: EmulatorGate(traits: traits, limiter: limiter, faults: faults, counters: counters))
        let api = router.group(RouterPath(Self.basePath))
        // Default prices of every TLD; the one endpoint that needs no API key (Porkbun docs, Pricing).
        api.post("pricing/get") { _, _ in Self.json(200, self.pricing()) }
        api.post("ping") { req, ctx in try await self.handle(req, ctx) { _, body in self.ping(body, ctx) } }
        api.post("domain/listAll") { req, ctx in try await self.handle(req, ctx) { _, body in self.listAll(body) } }
        api.post("domain/getNs/:domain") { req, ctx in try await self.handle(req, ctx) { d, _ in try self.getNs(d(ctx)) } }
        api.post("domain/updateNs/:domain") { req, ctx in try await self.handle(req, ctx) { d, body in try await self.updateNs(d(ctx), body) } }
        api.post("domain/updateAutoRenew/:domain") { req, ctx in try await self.handle(req, ctx) { d, body in try self.updateAutoRenew(d(ctx), body) } }
        api.post("dns/retrieve/:domain") { req, ctx in try await self.handle(req, ctx) { d, _ in try self.retrieve(d(ctx), id: nil) } }
        api.post("dns/retrieve/:domain/:id") { req, ctx in
            try await self.handle(req, ctx) { d, _ in try self.retrieve(d(ctx), id: ctx.parameters.get("id")) }
        }
        api.post("dns/create/:domain") { req, ctx in try await self.handle(req, ctx) { d, body in try await self.create(d(ctx), body) } }
        api.post("dns/edit/:domain/:id") { req, ctx in
            try await self.handle(req, ctx) { d, body in try await self.edit(d(ctx), id: ctx.parameters.get("id") ?? "", body) }
        }
        api.post("dns/delete/:domain/:id") { req, ctx in
            try await self.handle(req, ctx) { d, _ in try await self.delete(d(ctx), id: ctx.parameters.get("id") ?? "") }
        }
        api.post("domain/addUrlForward/:domain") { req, ctx in
            try await self.handle(req, ctx) { d, body in try await self.addUrlForward(d(ctx), body) }
        }
        api.post("domain/getUrlForwarding/:domain") { req, ctx in try await self.handle(req, ctx) { d, _ in try self.getUrlForwarding(d(ctx)) } }
        api.post("domain/deleteUrlForward/:domain/:id") { req, ctx in
            try await self.handle(req, ctx) { d, _ in try await self.deleteUrlForward(d(ctx), id: ctx.parameters.get("id") ?? "") }
        }
        return router
    }

    var traits: EmulatorTraits {
        EmulatorTraits(
            endpoint: { req, _ in
                let parts = req.uri.path.split(separator: "/").map(String.init)
                // /api/json/v3/dns/create/example.com → dns/create
                let tail = Array(parts.dropFirst(3))
                return tail.count >= 2 ? "\(tail[0])/\(tail[1])" : tail.joined(separator: "/")
            },
            throttled: { PorkbunEmulator.unavailablePage() },
            unavailable: { PorkbunEmulator.unavailablePage() })
    }

    /// What api.porkbun.com answers when throttling since late 2024 (A5).
    static func unavailablePage() -> Response {
        let html = """
        <html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n
        """
        return EmulatorGate.bytes(503, html, contentType: "text/html", headers: [HTTPField.Name("Server")!: "openresty"])
    }

    // MARK: Plumbing

    struct Failure: Error { let message: String }

    private func handle(_ request: Request, _ context: EmulatorContext,
                        _ body: @escaping (_ domain: (EmulatorContext) throws -> String, _ json: [String: Any]) async throws -> [String: Any])
        async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let json = (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
        guard json["apikey"] as? String == apiKey, json["secretapikey"] as? String == secretKey else {
            return Self.error("Invalid API key. (002)")
        }
        do {
            var out = try await body({ ctx in try self.domainParameter(ctx) }, json)
            out["status"] = "SUCCESS"
            return Self.json(200, out)
        } catch let f as Failure {
            return Self.error(f.message)
        }
    }

    private func domainParameter(_ ctx: EmulatorContext) throws -> String {
        let d = (ctx.parameters.get("domain") ?? "").lowercased()
        guard let domain = state.value.domains[d] else { throw Failure(message: "Invalid domain.") }
        guard domain.apiAccess else { throw Failure(message: "Domain is not opted in to API access.") }
        return d
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("Server")!] = "openresty"
        headers[.setCookie] = "BUNSESSION2=sandbox; path=/; secure; HttpOnly"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ message: String) -> Response { json(400, ["status": "ERROR", "message": message]) }

    // MARK: Endpoints

    private func pricing() -> [String: Any] {
        var table: [String: Any] = [:]
        for (tld, p) in prices.value {
            table[tld] = ["registration": p.registration, "renewal": p.renewal, "transfer": p.transfer]
        }
        return ["status": "SUCCESS", "pricing": table]
    }

    private func ping(_ body: [String: Any], _ ctx: EmulatorContext) -> [String: Any] {
        let ip = ctx.remoteIP ?? "127.0.0.1"
        return ["yourIp": ip, "xForwardedFor": ip, "credentialsValid": true]
    }

    private func listAll(_ body: [String: Any]) -> [String: Any] {
        let start = Int("\(body["start"] ?? "0")") ?? 0
        let all = state.value.domains.values.sorted { $0.name < $1.name }
        let page = all.dropFirst(start).prefix(1000)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let domains: [[String: Any]] = page.map { d in
            // The documented type chaos (A2): flags as "1", 1 or 0 depending on the domain.
            let style = abs(d.name.hashValueStable) % 3
            let autoRenew: Any = style == 0 ? (d.autoRenew ? "1" : "0") : (d.autoRenew ? 1 : 0)
            let lock: Any = d.securityLock ? "1" : 0
            return ["domain": d.name, "status": "ACTIVE", "tld": String(d.name.split(separator: ".").last ?? ""),
                    "createDate": f.string(from: d.createDate), "expireDate": f.string(from: d.expireDate),
                    "securityLock": lock, "whoisPrivacy": d.whoisPrivacy ? "1" : "0", "autoRenew": autoRenew,
                    "notLocal": 0, "apiAccess": d.apiAccess ? 1 : 0]
        }
        return ["domains": domains]
    }

    private func getNs(_ domain: String) throws -> [String: Any] {
        ["ns": state.value.domains[domain]?.nameservers ?? []]
    }

    private func updateNs(_ domain: String, _ body: [String: Any]) async throws -> [String: Any] {
        guard let ns = body["ns"] as? [String], !ns.isEmpty else { throw Failure(message: "Invalid nameservers.") }
        state.withValue { $0.domains[domain]?.nameservers = ns.map { $0.lowercased() } }
        await publish(domain)
        return [:]
    }

    /// `status` `on`|`off` (registrars.md A2; the reply beyond `status` is unverified, so none is invented).
    private func updateAutoRenew(_ domain: String, _ body: [String: Any]) throws -> [String: Any] {
        guard let status = body["status"] as? String, ["on", "off"].contains(status) else { throw Failure(message: "Invalid status: on or off.") }
        state.withValue { $0.domains[domain]?.autoRenew = status == "on" }
        return [:]
    }

    private func retrieve(_ domain: String, id: String?) throws -> [String: Any] {
        var rows = state.value.domains[domain]?.records ?? []
        if let id { rows = rows.filter { String($0.id) == id } }
        let records: [[String: Any]] = rows.map { r in
            // Every number is a string on read; prio is null for NS/ALIAS/CNAME and "0" elsewhere (A2, A3).
            let prio: Any = r.prio.map { String($0) } ?? (["NS", "ALIAS", "CNAME"].contains(r.type) ? NSNull() : "0")
            return ["id": String(r.id), "name": r.name, "type": r.type, "content": r.content, "ttl": String(r.ttl),
                    "prio": prio, "notes": r.notes ?? NSNull()]
        }
        return ["cloudflare": "enabled", "records": records]
    }

    static let acceptedTypes: Set<String> = ["A", "MX", "CNAME", "ALIAS", "TXT", "NS", "AAAA", "SRV", "TLSA", "CAA", "HTTPS", "SVCB", "SSHFP"]

    /// Relative label → FQDN: `""` is the apex; an FQDN is appended to the domain
    /// like any other label (A3).
    private func fqdn(_ name: String, _ domain: String) -> String {
        var n = name.trimmingCharacters(in: .whitespaces).lowercased()
        if n == "@" { n = "" }
        return n.isEmpty ? domain : "\(n).\(domain)"
    }

    private func parseRecord(_ domain: String, _ body: [String: Any], failure: String) throws -> PorkbunEmulatorState.Record {
        let type = "\(body["type"] ?? "")".uppercased()
        var content = "\(body["content"] ?? "")"
        guard Self.acceptedTypes.contains(type), !content.isEmpty else { throw Failure(message: failure) }
        if ["CNAME", "MX", "NS", "ALIAS"].contains(type), content.hasSuffix(".") { content.removeLast() }
        let ttl = max(600, Int("\(body["ttl"] ?? "600")") ?? 600)   // raised silently (A3)
        let prio = ["MX", "SRV", "HTTPS", "SVCB"].contains(type) ? (Int("\(body["prio"] ?? "0")") ?? 0) : nil
        let notes = body["notes"] as? String
        return .init(id: 0, name: fqdn("\(body["name"] ?? "")", domain), type: type, content: content, ttl: ttl, prio: prio, notes: notes)
    }

    private func conflicts(_ r: PorkbunEmulatorState.Record, in records: [PorkbunEmulatorState.Record], domain: String, except: Int?) -> Bool {
        if r.type == "CNAME" && r.name == domain { return true }   // "use ALIAS" at the root
        let others = records.filter { $0.name == r.name && $0.id != except }
        if r.type == "CNAME" && !others.isEmpty { return true }
        if others.contains(where: { $0.type == "CNAME" }) { return true }
        return false
    }

    private func create(_ domain: String, _ body: [String: Any]) async throws -> [String: Any] {
        let failure = "Create error: We were unable to create the DNS record."
        var record = try parseRecord(domain, body, failure: failure)
        let id: Int = try state.withValue { s in
            guard let d = s.domains[domain] else { throw Failure(message: "Invalid domain.") }
            if conflicts(record, in: d.records, domain: domain, except: nil) { throw Failure(message: failure) }
            s.nextID += 4   // ids increase but skip (recorded 432480908 → 432480912)
            record.id = s.nextID
            s.domains[domain]!.records.append(record)   // no duplicate check: not idempotent (A2)
            return record.id
        }
        await publish(domain)
        return ["id": id]   // a JSON number here, a string on retrieve (A2)
    }

    private func edit(_ domain: String, id: String, _ body: [String: Any]) async throws -> [String: Any] {
        let failure = "Edit error: We were unable to edit the DNS record."
        var record = try parseRecord(domain, body, failure: failure)
        try state.withValue { s in
            guard let idx = s.domains[domain]?.records.firstIndex(where: { String($0.id) == id }) else {
                throw Failure(message: "Invalid record ID.")
            }
            let old = s.domains[domain]!.records[idx]
            record.id = old.id
            if record.notes == nil { record.notes = old.notes }
            if old.type == "NS" && old.name == domain { throw Failure(message: failure) }   // apex NS is Porkbun's
            if old == record { throw Failure(message: failure) }   // a no-op edit is an error (A2)
            if conflicts(record, in: s.domains[domain]!.records, domain: domain, except: old.id) { throw Failure(message: failure) }
            s.domains[domain]!.records[idx] = record
        }
        await publish(domain)
        return [:]
    }

    private func delete(_ domain: String, id: String) async throws -> [String: Any] {
        try state.withValue { s in
            guard let idx = s.domains[domain]?.records.firstIndex(where: { String($0.id) == id }) else {
                throw Failure(message: "Invalid record ID.")
            }
            s.domains[domain]!.records.remove(at: idx)
        }
        await publish(domain)
        return [:]
    }

    // MARK: DNS view

    /// Publishes the zone when Porkbun's nameservers serve it, removes it otherwise.
    func publish(_ domain: String) async {
        guard let d = state.value.domains[domain] else { await dnsView.remove(zone: domain); return }
        guard Set(d.nameservers).isSubset(of: Set(PorkbunEmulatorState.porkbunNS)) else {
            await dnsView.remove(zone: domain)
            return
        }
        let records = d.records.compactMap { r -> DNSRecord? in
            guard let t = RecordType(rawValue: r.type) else { return nil }
            return DNSRecord(name: r.name, type: t, ttl: r.ttl, priority: t == .MX ? r.prio : nil, value: r.content)
        }
        await dnsView.publish(zone: domain, records: records)
        // What its forwarding host answers (includePath "yes" appends the visited path).
        await dnsView.publishForwards(zone: domain, (d.forwards ?? []).map {
            WebForward(host: $0.subdomain, location: $0.location, code: $0.type == "temporary" ? .temporary : .permanent,
                       keepPath: $0.includePath == "yes")
        })
    }
}

extension String {
    /// A hash that does not change between runs (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var h: UInt64 = 1469598103934665603
        for b in utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}
