import Foundation
import Logging

public struct NamecheapCredentials: Sendable {
    public var apiUser: String
    public var apiKey: String
    public var userName: String
    /// The IPv4 the account allow-lists (B1: required on every call).
    public var clientIP: String

    public init(apiUser: String, apiKey: String, userName: String? = nil, clientIP: String) {
        self.apiUser = apiUser
        self.apiKey = apiKey
        self.userName = userName ?? apiUser
        self.clientIP = clientIP
    }
}

/// The Namecheap XML API calls (registrars.md Part B). One endpoint; the
/// command is a parameter. Reads go by GET; `setHosts` with more than ten
/// rows goes by POST as the docs recommend (B1).
public struct NamecheapClient: Sendable {
    public let baseURL: URL
    public let http: ProviderHTTPClient
    public let timeout: Double
    private let credentials: NamecheapCredentials
    /// setHosts with more rows than this is sent as a form POST.
    public var postThreshold = 10

    public init(baseURL: URL = NamecheapWire.productionURL, credentials: NamecheapCredentials,
                budget: RateBudget = .namecheap(), retry: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 30, totalBudget: 180),
                timeout: Double = 60, transport: any HTTPTransport = CurlHTTPTransport(),
                clock: any FleetClock = SystemClock(), random: any RandomSource = SystemRandom(),
                logger: Logger = Logger(label: "reconcile.namecheap")) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.timeout = timeout
        http = ProviderHTTPClient(provider: "namecheap", transport: transport, budget: budget, retry: retry, clock: clock,
                                  random: random, redactor: Redactor(secrets: [credentials.apiKey]),
                                  classifier: NamecheapClient.classifier, logger: logger)
    }

    /// Throttling is HTTP 405, answered before execution (B5); before ~2022 it
    /// was an XML error "Too many requests" (500000, unverified). The SDK's
    /// "unknown exception" numbers are retryable.
    public static let classifier = ResponseClassifier { r in
        if r.status == 405 {
            return .retry(reason: "HTTP 405 (throttled)", throttled: true, mayHaveExecuted: false,
                          retryAfter: RetryAfter.seconds(r.header("retry-after"), now: Date()))
        }
        guard r.status == 200, let env = NamecheapWire.Envelope.parse(r.body), !env.ok else { return nil }
        if env.errors.contains(where: { $0.number == "500000" || $0.text.localizedCaseInsensitiveContains("too many requests") }) {
            return .retry(reason: "too many requests", throttled: true, mayHaveExecuted: false, retryAfter: nil)
        }
        if let e = env.errors.first(where: { NamecheapWire.retryableNumbers.contains($0.number) }) {
            return .retry(reason: "error \(e.number)", throttled: false, mayHaveExecuted: true, retryAfter: nil)
        }
        return nil
    }

    // MARK: Commands

    /// One page of `domains.getList` (PageSize 10–100).
    public func getList(page: Int, pageSize: Int = 100) async throws(ProviderError) -> ([NamecheapWire.Domain], NamecheapWire.Paging?) {
        let r = try await command("namecheap.domains.getList", ["Page": String(page), "PageSize": String(pageSize), "ListType": "ALL"], domain: nil)
        let domains = r.child("DomainGetListResult")?.all("Domain").map(NamecheapWire.Domain.init) ?? []
        let paging = r.child("Paging").map { p in
            NamecheapWire.Paging(totalItems: Int(p.child("TotalItems")?.text ?? "") ?? 0,
                                 currentPage: Int(p.child("CurrentPage")?.text ?? "") ?? page,
                                 pageSize: Int(p.child("PageSize")?.text ?? "") ?? pageSize)
        }
        return (domains, paging)
    }

    /// Every page: dnscontrol listed only the first 20 for years by ignoring paging (B2).
    public func listAllDomains(pageSize: Int = 100) async throws(ProviderError) -> [NamecheapWire.Domain] {
        var all: [NamecheapWire.Domain] = []
        var seen = Set<String>()
        var page = 1
        while true {
            let (domains, paging) = try await getList(page: page, pageSize: pageSize)
            for d in domains where seen.insert(d.name).inserted { all.append(d) }
            let total = paging?.totalItems ?? 0
            if domains.count < pageSize || all.count >= total || domains.isEmpty { return all }
            page += 1
        }
    }

    public func getHosts(_ domain: String) async throws(ProviderError) -> NamecheapWire.Hosts {
        let (sld, tld) = DomainSplit.split(domain)
        let r = try await command("namecheap.domains.dns.getHosts", ["SLD": sld, "TLD": tld], domain: domain)
        guard let result = r.child("DomainDNSGetHostsResult") else {
            throw http.error(.decoding, "domains.dns.getHosts", domain, 200, "no DomainDNSGetHostsResult")
        }
        return NamecheapWire.Hosts(result)
    }

    /// Replaces **every** host record of the zone (B2). Callers go through
    /// `NamecheapProvider.apply`, which reads, merges and writes back all rows.
    public func setHosts(_ domain: String, hosts: [NamecheapWire.Host], emailType: String?) async throws(ProviderError) {
        let (sld, tld) = DomainSplit.split(domain)
        var params = ["SLD": sld, "TLD": tld]
        for (i, h) in hosts.enumerated() {
            let n = i + 1
            params["HostName\(n)"] = h.name
            params["RecordType\(n)"] = h.type
            params["Address\(n)"] = h.address
            params["MXPref\(n)"] = String(h.mxPref)
            params["TTL\(n)"] = String(h.ttl)
        }
        if let emailType { params["EmailType"] = emailType }
        let r = try await command("namecheap.domains.dns.setHosts", params, domain: domain, post: hosts.count > postThreshold)
        guard let result = r.child("DomainDNSSetHostsResult"), LenientFlag.parse(result.attribute("IsSuccess")) else {
            throw http.error(.provider, "domains.dns.setHosts", domain, 200, "IsSuccess is not true")
        }
    }

    /// Back to Namecheap BasicDNS (B2).
    public func setDefault(_ domain: String) async throws(ProviderError) {
        let (sld, tld) = DomainSplit.split(domain)
        let r = try await command("namecheap.domains.dns.setDefault", ["SLD": sld, "TLD": tld], domain: domain)
        guard let result = r.child("DomainDNSSetDefaultResult"), LenientFlag.parse(result.attribute("Updated")) else {
            throw http.error(.provider, "domains.dns.setDefault", domain, 200, "Updated is not true")
        }
    }

    /// Nameservers and whether Namecheap DNS is in use (`domains.dns.getList`).
    public func getNameservers(_ domain: String) async throws(ProviderError) -> (nameservers: [String], usingOurDNS: Bool) {
        let (sld, tld) = DomainSplit.split(domain)
        let r = try await command("namecheap.domains.dns.getList", ["SLD": sld, "TLD": tld], domain: domain)
        guard let result = r.child("DomainDNSGetListResult") else {
            throw http.error(.decoding, "domains.dns.getList", domain, 200, "no DomainDNSGetListResult")
        }
        return (result.all("Nameserver").map(\.text), LenientFlag.parse(result.attribute("IsUsingOurDNS")))
    }

    // MARK: Plumbing

    /// Form-URL-encoding: TXT values carry `;`, `+`, `=` (B3).
    static func formEncode(_ params: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return params.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: allowed) ?? k)=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)"
        }.joined(separator: "&")
    }

    func command(_ name: String, _ extra: [String: String], domain: String?, post: Bool = false) async throws(ProviderError) -> XMLTree {
        let op = name.replacingOccurrences(of: "namecheap.", with: "")
        var params: [(String, String)] = [("ApiUser", credentials.apiUser), ("ApiKey", credentials.apiKey),
                                          ("UserName", credentials.userName), ("ClientIp", credentials.clientIP), ("Command", name)]
        params += extra.sorted { $0.key < $1.key }
        let encoded = Self.formEncode(params)
        let request: ProviderRequest
        if post {
            request = ProviderRequest(method: "POST", url: baseURL,
                                  headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                  body: Data(encoded.utf8), timeout: timeout, idempotent: true)
        } else {
            request = ProviderRequest(method: "GET", url: URL(string: baseURL.absoluteString + "?" + encoded)!,
                                  timeout: timeout, idempotent: true)
        }
        // Every command we send is idempotent: reads, replace-all writes, setDefault (B5).
        let response = try await http.send(request, operation: op, domain: domain)
        guard let env = NamecheapWire.Envelope.parse(response.body) else {
            throw http.error(.decoding, op, domain, response.status, "answer is not an ApiResponse: \(response.text.prefix(120))")
        }
        if let e = env.errors.first {
            throw http.error(NamecheapWire.kind(of: e.number), op, domain, response.status, e.text, code: e.number)
        }
        guard env.ok else { throw http.error(.provider, op, domain, response.status, "Status is not OK") }
        guard let r = env.commandResponse else { throw http.error(.decoding, op, domain, response.status, "no CommandResponse") }
        return r
    }
}
