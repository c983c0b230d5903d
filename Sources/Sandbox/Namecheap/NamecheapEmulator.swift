import DNSRecords
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Providers

/// A loopback Namecheap XML API (registrars.md Part B), written from the
/// documented behaviour, not from the client. Kept quirks: one endpoint with
/// a `Command` parameter, parameter names matched without case, GET or form
/// POST, HTTP 200 with `Status="ERROR"` and documented error numbers, the IP
/// allow-list checked against the connection's address, replace-all
/// setHosts (MX only stored with EmailType=MX), lower-cased hosts, trailing
/// dots on host-name addresses, and HTTP 405 when throttled.
public final class NamecheapEmulator: Sendable {
    public static let apiName = "namecheap"
    public static let path = "/xml.response"

    public let apiUser: String
    public let apiKey: String
    public let userName: String
    /// Addresses allowed to call (the account's whitelist, B1).
    public let allowedIPs: Locked<Set<String>>
    public let state: Locked<NamecheapEmulatorState>
    public let dnsView: DNSView
    public let counters = RequestCounters()
    public let faults: FaultInjector
    public let limiter: ServerRateLimiter
    /// HTTP method of every setHosts, for tests of "large zones go by POST" (B1).
    public let setHostsMethods = Locked<[String]>([])
    /// What `users.getPricing` quotes per TLD (`SandboxPriceList.namecheap` unless a test changes it).
    public let prices = Locked(SandboxPriceList.namecheap)

    public init(apiUser: String = "sandbox", apiKey: String = "ncsandbox0000000000000000000000", userName: String? = nil,
                allowedIPs: Set<String> = ["127.0.0.1"], state: NamecheapEmulatorState = NamecheapEmulatorState(),
                dnsView: DNSView = DNSView(), limits: ServerRateLimits = .namecheap, faults: FaultInjector = FaultInjector(),
                clock: any FleetClock = SystemClock()) {
        self.apiUser = apiUser
        self.apiKey = apiKey
        self.userName = userName ?? apiUser
        self.allowedIPs = Locked(allowedIPs)
        self.state = Locked(state)
        self.dnsView = dnsView
        self.faults = faults
        limiter = ServerRateLimiter(limits: limits, clock: clock)
    }

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

    // MARK: Routing

    func router() -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: EmulatorGate(traits: traits, limiter: limiter, faults: faults, counters: counters))
        router.get(RouterPath(Self.path)) { req, ctx in try await self.handle(req, ctx) }
        router.post(RouterPath(Self.path)) { req, ctx in try await self.handle(req, ctx) }
        return router
    }

    var traits: EmulatorTraits {
        EmulatorTraits(
            endpoint: { req, body in
                let p = Self.parameters(req, body)
                return p["command"].map { $0.lowercased() } ?? "(none)"
            },
            // Limits are per user (B5).
            rateKey: { req, body, _ in Self.parameters(req, body)["apiuser"]?.lowercased() ?? "(anonymous)" },
            // Throttling is HTTP 405 (B5); the body is unverified, so keep it IIS-like and short.
            throttled: {
                EmulatorGate.bytes(405, "<html><head><title>405 - Too many requests</title></head><body>Too many requests</body></html>",
                                   contentType: "text/html")
            },
            unavailable: { EmulatorGate.bytes(503, "<html><body>Service Unavailable</body></html>", contentType: "text/html") })
    }

    /// Query and form parameters merged, names lower-cased (B1: names match without case).
    static func parameters(_ req: Request, _ body: ByteBuffer) -> [String: String] {
        var out: [String: String] = [:]
        func add(_ raw: Substring) {
            for pair in raw.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let k = decode(kv[0]).lowercased()
                out[k] = kv.count > 1 ? decode(kv[1]) : ""
            }
        }
        if let q = req.uri.query { add(Substring(q)) }
        if body.readableBytes > 0 { add(Substring(String(buffer: body))) }
        return out
    }

    static func decode(_ s: Substring) -> String {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }

    struct Failure: Error {
        let number: String
        let text: String
        /// A `CommandResponse` that still comes with the error (getInfo's unknown domain, B2).
        var response: (type: String, inner: String)? = nil
    }

    private func handle(_ request: Request, _ context: EmulatorContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let p = Self.parameters(request, body)
        let command = p["command"] ?? ""
        if command.lowercased() == "namecheap.domains.dns.sethosts" {
            setHostsMethods.withValue { $0.append(request.method.rawValue) }
        }
        do {
            try authenticate(p, context)
            let (type, inner) = try await run(command.lowercased(), p)
            return Self.envelope(command: command, type: type, inner: inner)
        } catch let f as Failure {
            return Self.envelope(command: command, type: f.response?.type, inner: f.response?.inner ?? "", error: f)
        }
    }

    private func authenticate(_ p: [String: String], _ context: EmulatorContext) throws {
        guard let user = p["apiuser"], !user.isEmpty else { throw Failure(number: "1010101", text: "Parameter APIUser is missing") }
        guard let key = p["apikey"], !key.isEmpty else { throw Failure(number: "1010102", text: "Parameter APIKey is missing") }
        guard p["command"].map({ !$0.isEmpty }) == true else { throw Failure(number: "1010104", text: "Parameter Command is missing") }
        guard let clientIP = p["clientip"], !clientIP.isEmpty else { throw Failure(number: "1010105", text: "Parameter ClientIP is missing") }
        guard user.caseInsensitiveCompare(apiUser) == .orderedSame, key == apiKey else {
            throw Failure(number: "1011102", text: "API Key is invalid or API access has not been enabled")
        }
        guard let name = p["username"], name.caseInsensitiveCompare(userName) == .orderedSame else {
            throw Failure(number: "1016103", text: "UserName is unauthorized")
        }
        // The check uses the connection's source address, not ClientIp (B1, inferred).
        let source = context.remoteIP ?? clientIP
        guard allowedIPs.value.contains(source) else { throw Failure(number: "1011150", text: "Invalid request IP: \(source)") }
    }

    private func run(_ command: String, _ p: [String: String]) async throws -> (String, String) {
        switch command {
        case "namecheap.domains.getlist": return ("namecheap.domains.getList", getList(p))
        case "namecheap.domains.dns.gethosts": return ("namecheap.domains.dns.getHosts", try getHosts(p))
        case "namecheap.domains.dns.sethosts": return ("namecheap.domains.dns.setHosts", try await setHosts(p))
        case "namecheap.domains.dns.setdefault": return ("namecheap.domains.dns.setDefault", try await setDefault(p))
        case "namecheap.domains.dns.setcustom": return ("namecheap.domains.dns.setCustom", try await setCustom(p))
        case "namecheap.domains.dns.getlist": return ("namecheap.domains.dns.getList", try dnsGetList(p))
        case "namecheap.domains.getinfo": return ("namecheap.domains.getInfo", try getInfo(p))
        case "namecheap.users.getpricing": return ("namecheap.users.getPricing", try getPricing(p))
        default: throw Failure(number: "1010104", text: "Command \(command) is not supported")
        }
    }

    // MARK: XML

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func envelope(command: String, type: String?, inner: String, error: Failure? = nil) -> Response {
        let errors = error.map { "<Errors><Error Number=\"\($0.number)\">\(esc($0.text))</Error></Errors>" } ?? "<Errors />"
        let response = type.map { "<CommandResponse Type=\"\($0)\">\(inner)</CommandResponse>" } ?? ""
        let xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <ApiResponse Status="\(error == nil ? "OK" : "ERROR")" xmlns="http://api.namecheap.com/xml.response">
          \(errors)
          <Warnings />
          <RequestedCommand>\(esc(command.lowercased()))</RequestedCommand>
          \(response)
          <Server>SANDBOX-LOOPBACK</Server>
          <GMTTimeDifference>--5:00</GMTTimeDifference>
          <ExecutionTime>0.012</ExecutionTime>
        </ApiResponse>
        """
        return EmulatorGate.bytes(200, xml, contentType: "text/xml; charset=utf-8",
                                  headers: [HTTPField.Name("X-AspNet-Version")!: "4.0.30319"])
    }

    static func mdy(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "MM/dd/yyyy"
        return f.string(from: d)
    }

    // MARK: Commands

    private func domain(_ p: [String: String]) throws -> String {
        guard let sld = p["sld"], let tld = p["tld"], !sld.isEmpty, !tld.isEmpty else {
            throw Failure(number: "2050900", text: "Please enter a fully qualified domain name.")
        }
        let name = "\(sld).\(tld)".lowercased()
        guard state.value.domains[name] != nil else { throw Failure(number: "2019166", text: "Domain not found") }
        return name
    }

    private func getList(_ p: [String: String]) -> String {
        let size = min(100, max(10, Int(p["pagesize"] ?? "") ?? 20))
        let page = max(1, Int(p["page"] ?? "") ?? 1)
        let all = state.value.domains.values.sorted { $0.name < $1.name }
        let slice = all.dropFirst((page - 1) * size).prefix(size)
        let rows = slice.map { d in
            "<Domain ID=\"\(d.id)\" Name=\"\(d.name)\" User=\"\(Self.esc(userName))\" Created=\"\(Self.mdy(d.created))\" Expires=\"\(Self.mdy(d.expires))\" IsExpired=\"false\" IsLocked=\"\(d.isLocked)\" AutoRenew=\"\(d.autoRenew)\" WhoisGuard=\"ENABLED\" IsPremium=\"false\" IsOurDNS=\"\(d.usingOurDNS)\" />"
        }.joined()
        return "<DomainGetListResult>\(rows)</DomainGetListResult><Paging><TotalItems>\(all.count)</TotalItems><CurrentPage>\(page)</CurrentPage><PageSize>\(size)</PageSize></Paging>"
    }

    private func getHosts(_ p: [String: String]) throws -> String {
        let name = try domain(p)
        let d = state.value.domains[name]!
        guard d.usingOurDNS else { throw Failure(number: "2030288", text: "Cannot complete this command as this domain is not using proper DNS servers") }
        // Grouped by type then name, not in write order (B3).
        let hosts = d.hosts.sorted { ($0.type, $0.name, $0.hostId) < ($1.type, $1.name, $1.hostId) }.map { h in
            "<host HostId=\"\(h.hostId)\" Name=\"\(Self.esc(h.name))\" Type=\"\(h.type)\" Address=\"\(Self.esc(h.address))\" MXPref=\"\(h.mxPref)\" TTL=\"\(h.ttl)\" AssociatedAppTitle=\"\(Self.esc(h.associatedAppTitle))\" FriendlyName=\"\(Self.esc(h.friendlyName))\" IsActive=\"true\" IsDDNSEnabled=\"\(h.isDDNSEnabled)\" />"
        }.joined()
        return "<DomainDNSGetHostsResult Domain=\"\(name)\" EmailType=\"\(d.emailType)\" IsUsingOurDNS=\"true\">\(hosts)</DomainDNSGetHostsResult>"
    }

    static let settableTypes: Set<String> = ["A", "AAAA", "ALIAS", "CAA", "CNAME", "MX", "MXE", "NS", "TXT", "URL", "URL301", "FRAME"]
    static let hostnameTypes: Set<String> = ["CNAME", "MX", "NS", "ALIAS"]
    static let emailTypes: Set<String> = ["MX", "MXE", "FWD", "OX", "GMAIL", "NONE"]

    private func setHosts(_ p: [String: String]) async throws -> String {
        let name = try domain(p)
        guard state.value.domains[name]!.usingOurDNS else {
            throw Failure(number: "2030288", text: "Cannot complete this command as this domain is not using proper DNS servers")
        }
        struct Row { var name: String, type: String, address: String, mxPref: Int, ttl: Int }
        var rows: [Row] = []
        var i = 1
        while let host = p["hostname\(i)"] {
            let type = (p["recordtype\(i)"] ?? "").uppercased()
            guard Self.settableTypes.contains(type) else { throw Failure(number: "2050900", text: "Invalid RecordType\(i): \(type)") }
            guard var address = p["address\(i)"], !address.isEmpty else { throw Failure(number: "2050900", text: "Address\(i) is missing") }
            var h = host.trimmingCharacters(in: .whitespaces).lowercased()   // hosts are lower-cased (B3)
            if h.isEmpty { h = "@" }
            if Self.hostnameTypes.contains(type) && !address.hasSuffix(".") { address += "." }   // stored with a dot (B3)
            if ["URL", "URL301", "FRAME"].contains(type) && !address.contains("://") {
                throw Failure(number: "2050900", text: "Address\(i) must start with http:// or https://")
            }
            let ttl = Int(p["ttl\(i)"] ?? "") ?? 1800
            guard (60...60000).contains(ttl) else { throw Failure(number: "2050900", text: "TTL\(i) must be between 60 and 60000") }
            rows.append(Row(name: h, type: type, address: address, mxPref: Int(p["mxpref\(i)"] ?? "") ?? 10, ttl: ttl))
            i += 1
        }
        let requestedEmail = p["emailtype"]?.uppercased()
        if let e = requestedEmail, !Self.emailTypes.contains(e) { throw Failure(number: "2050900", text: "Invalid EmailType") }
        let resultEmail: String = try state.withValue { s in
            var d = s.domains[name]!
            let mode = requestedEmail ?? d.emailType   // omitted → unchanged (B2)
            // MX rows are only stored with EmailType=MX (B2).
            if mode != "MX" { rows.removeAll { $0.type == "MX" } }
            let hadMX = d.emailType == "MX" && d.hosts.contains { $0.type == "MX" }
            if hadMX && requestedEmail == nil && !rows.contains(where: { $0.type == "MX" }) {
                throw Failure(number: "2050900", text: "Cannot remove all MX records without changing EmailType")
            }
            var newHosts: [NamecheapEmulatorState.Host] = []
            var pool = d.hosts
            for r in rows {
                // Untouched rows keep their HostId, new rows get new ids (B3).
                if let idx = pool.firstIndex(where: { $0.name == r.name && $0.type == r.type && $0.address == r.address && $0.mxPref == r.mxPref }) {
                    var kept = pool.remove(at: idx)
                    kept.ttl = r.ttl
                    newHosts.append(kept)
                } else {
                    // Redirect rows belong to Namecheap's URL Forwarding app, as the parking one does (B3).
                    let redirect = ["URL", "URL301", "FRAME"].contains(r.type)
                    newHosts.append(s.newHost(name: r.name, type: r.type, address: r.address, mxPref: r.mxPref, ttl: r.ttl,
                                              app: redirect ? "URL Forwarding" : "",
                                              friendly: redirect ? "URL Record" : "\(r.type) Record"))
                }
            }
            d.hosts = newHosts   // replace-all: every row not sent is gone (B2)
            d.emailType = mode
            s.domains[name] = d
            return mode
        }
        await publish(name)
        return "<DomainDNSSetHostsResult Domain=\"\(name)\" EmailType=\"\(resultEmail)\" IsSuccess=\"true\"><Warnings /></DomainDNSSetHostsResult>"
    }

    private func setDefault(_ p: [String: String]) async throws -> String {
        let name = try domain(p)
        state.withValue { s in
            s.domains[name]!.usingOurDNS = true
            s.domains[name]!.nameservers = NamecheapEmulatorState.basicDNS
        }
        await publish(name)
        return "<DomainDNSSetDefaultResult Domain=\"\(name)\" Updated=\"true\" />"
    }

    private func setCustom(_ p: [String: String]) async throws -> String {
        let name = try domain(p)
        let ns = (p["nameservers"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !ns.isEmpty, ns.allSatisfy({ !$0.hasSuffix(".") && $0.contains(".") }) else {
            throw Failure(number: "4022288", text: "Unable to get nameserver list")
        }
        state.withValue { s in
            s.domains[name]!.usingOurDNS = false
            s.domains[name]!.nameservers = ns
        }
        await publish(name)
        return "<DomainDNSSetCustomResult Domain=\"\(name)\" Updated=\"true\" />"
    }

    private func dnsGetList(_ p: [String: String]) throws -> String {
        let name = try domain(p)
        let d = state.value.domains[name]!
        let ns = d.nameservers.map { "<Nameserver>\($0)</Nameserver>" }.joined()
        return "<DomainDNSGetListResult Domain=\"\(name)\" IsUsingOurDNS=\"\(d.usingOurDNS)\" IsPremiumDNS=\"false\" IsUsingFreeDNS=\"false\">\(ns)</DomainDNSGetListResult>"
    }

    // MARK: DNS view

    func publish(_ domain: String) async {
        guard let d = state.value.domains[domain], d.usingOurDNS else { await dnsView.remove(zone: domain); return }
        var records = d.hosts.compactMap { h -> DNSRecord? in
            guard let t = RecordType(rawValue: h.type) else { return nil }
            let fqdn = h.name == "@" ? domain : "\(h.name).\(domain)"
            return DNSRecord(name: fqdn, type: t, ttl: h.ttl, priority: t == .MX ? h.mxPref : nil, value: h.address)
        }
        for ns in d.nameservers { records.append(DNSRecord(name: domain, type: .NS, ttl: 1800, value: ns)) }
        await dnsView.publish(zone: domain, records: records)
        // URL301 and URL rows are unmasked redirects; FRAME serves a page, not a redirect.
        await dnsView.publishForwards(zone: domain, d.hosts.compactMap { h in
            let code: [String: WebForward.Code] = ["URL301": .permanent, "URL": .temporary]
            return code[h.type].map { WebForward(host: h.name, location: h.address, code: $0, keepPath: true) }
        })
    }
}
