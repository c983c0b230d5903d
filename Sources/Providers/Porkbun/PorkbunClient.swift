import Foundation
import Logging

public struct PorkbunCredentials: Sendable {
    public var apiKey: String
    public var secretKey: String

    public init(apiKey: String, secretKey: String) {
        self.apiKey = apiKey
        self.secretKey = secretKey
    }
}

/// A record as Porkbun's create/edit take it: `name` relative to the zone
/// (`""` apex, `"*"`, `"s1._domainkey"`), targets without trailing dot (A3).
public struct PorkbunRecordInput: Sendable, Hashable {
    public var name: String
    public var type: String
    public var content: String
    public var ttl: Int
    public var prio: Int?

    public init(name: String, type: String, content: String, ttl: Int, prio: Int? = nil) {
        self.name = name
        self.type = type
        self.content = content
        self.ttl = ttl
        self.prio = prio
    }
}

/// The Porkbun v3 wire calls, one method per endpoint (registrars.md A2).
/// Every call is a POST with `apikey`/`secretapikey` merged into the JSON body.
public struct PorkbunClient: Sendable {
    public let baseURL: URL
    public let http: ProviderHTTPClient
    public let timeout: Double
    private let credentials: PorkbunCredentials

    public init(baseURL: URL = PorkbunWire.productionURL, credentials: PorkbunCredentials,
                budget: RateBudget = .porkbun(), retry: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: 1.2, maxDelay: 10),
                timeout: Double = 30, transport: any HTTPTransport = CurlHTTPTransport(),
                clock: any FleetClock = SystemClock(), random: any RandomSource = SystemRandom(),
                logger: Logger = Logger(label: "reconcile.porkbun")) {
        self.baseURL = baseURL
        self.credentials = credentials
        self.timeout = timeout
        http = ProviderHTTPClient(provider: "porkbun", transport: transport, budget: budget, retry: retry, clock: clock,
                                  random: random, redactor: Redactor(secrets: [credentials.apiKey, credentials.secretKey]),
                                  classifier: PorkbunClient.classifier, logger: logger)
    }

    /// Porkbun throttles with an nginx/openresty 503 HTML page, earlier with an
    /// AWS WAF 202 challenge (A5): both are retryable throttling, never JSON.
    public static let classifier = ResponseClassifier { r in
        if r.status == 202, r.header("x-amzn-waf-action") != nil || !r.looksLikeJSON {
            return .retry(reason: "WAF challenge (HTTP 202)", throttled: true, mayHaveExecuted: false, retryAfter: nil)
        }
        if r.status == 503 && !r.looksLikeJSON {
            // The doc leaves open whether the write behind a 503 happened (A5), so
            // a create gets the re-read treatment.
            return .retry(reason: "HTTP 503 throttling page", throttled: true, mayHaveExecuted: true,
                          retryAfter: RetryAfter.seconds(r.header("retry-after"), now: Date()))
        }
        return nil
    }

    // MARK: Endpoints

    /// Checks the credentials; returns the caller's IP as Porkbun sees it.
    @discardableResult
    public func ping() async throws(ProviderError) -> String? {
        let data = try await call("ping", [], idempotent: true, domain: nil)
        let ping = try decode(PorkbunWire.Ping.self, data, "ping", nil)
        if ping.credentialsValid == false {
            throw http.error(.authentication, "ping", nil, 200, "credentials not valid")
        }
        return ping.yourIp
    }

    /// One page of up to 1000 domains starting at `start` (A2).
    public func listAll(start: Int) async throws(ProviderError) -> [PorkbunWire.Domain] {
        let data = try await call("domain/listAll", [], body: ["start": String(start)], idempotent: true, domain: nil)
        return try decode(PorkbunWire.DomainList.self, data, "domain/listAll", nil).domains ?? []
    }

    /// Every page, asking again with `start` += 1000 until a page comes back short.
    public func listAllDomains(pageSize: Int = 1000) async throws(ProviderError) -> [PorkbunWire.Domain] {
        var all: [PorkbunWire.Domain] = []
        var seen = Set<String>()
        while true {
            let page = try await listAll(start: all.count)
            for d in page where seen.insert(d.domain.lowercased()).inserted { all.append(d) }
            if page.count < pageSize || page.isEmpty { return all }
        }
    }

    public func getNs(_ domain: String) async throws(ProviderError) -> [String] {
        let data = try await call("domain/getNs", [domain], idempotent: true, domain: domain)
        return try decode(PorkbunWire.Nameservers.self, data, "domain/getNs", domain).ns ?? []
    }

    /// Replaces the whole nameserver list.
    public func updateNs(_ domain: String, _ nameservers: [String]) async throws(ProviderError) {
        _ = try await call("domain/updateNs", [domain], body: ["ns": nameservers], idempotent: true, domain: domain)
    }

    /// Turns the registration's auto-renew on or off (`status` `on`|`off`;
    /// registrars.md A2: a 2025–26 endpoint, its reply shape unverified —
    /// only the usual `status: SUCCESS` is read).
    public func updateAutoRenew(_ domain: String, _ on: Bool) async throws(ProviderError) {
        _ = try await call("domain/updateAutoRenew", [domain], body: ["status": on ? "on" : "off"], idempotent: true, domain: domain)
    }

    public func retrieve(_ domain: String) async throws(ProviderError) -> [PorkbunWire.Record] {
        let data = try await call("dns/retrieve", [domain], idempotent: true, domain: domain)
        return try decode(PorkbunWire.Records.self, data, "dns/retrieve", domain).records ?? []
    }

    /// One record by id; an unknown id may come back empty or as an error (A2).
    public func retrieve(_ domain: String, id: String) async throws(ProviderError) -> PorkbunWire.Record? {
        do {
            let data = try await call("dns/retrieve", [domain, id], idempotent: true, domain: domain)
            return try decode(PorkbunWire.Records.self, data, "dns/retrieve", domain).records?.first
        } catch where error.kind == .notFound && error.message.localizedCaseInsensitiveContains("record") {
            return nil
        }
    }

    /// Not idempotent: the same body twice makes two records (A2). A timeout or
    /// 503 surfaces as `.outcomeUnknown`; the provider layer re-reads first.
    public func create(_ domain: String, _ record: PorkbunRecordInput) async throws(ProviderError) -> String {
        let data = try await call("dns/create", [domain], body: body(record), idempotent: false, domain: domain)
        guard let id = try decode(PorkbunWire.Created.self, data, "dns/create", domain).id?.value else {
            throw http.error(.decoding, "dns/create", domain, 200, "no id in the answer")
        }
        return id
    }

    /// Sends every field: an omitted `name` may move the record to the apex (A2).
    public func edit(_ domain: String, id: String, _ record: PorkbunRecordInput) async throws(ProviderError) {
        _ = try await call("dns/edit", [domain, id], body: body(record), idempotent: true, domain: domain)
    }

    public func delete(_ domain: String, id: String) async throws(ProviderError) {
        _ = try await call("dns/delete", [domain, id], idempotent: true, domain: domain)
    }

    // MARK: Plumbing

    private func body(_ r: PorkbunRecordInput) -> [String: Any] {
        var b: [String: Any] = ["name": r.name, "type": r.type, "content": r.content, "ttl": String(r.ttl)]
        if let p = r.prio { b["prio"] = String(p) }
        return b
    }

    /// `authenticated: false` sends no keys: `pricing/get` needs none, and a
    /// call that does not need a secret should not carry one.
    func call(_ endpoint: String, _ path: [String], body extra: [String: Any] = [:], idempotent: Bool,
                      domain: String?, authenticated: Bool = true) async throws(ProviderError) -> Data {
        var url = baseURL.appendingPathComponent(endpoint)
        for p in path { url.appendPathComponent(p) }
        var body = extra
        if authenticated {
            body["apikey"] = credentials.apiKey
            body["secretapikey"] = credentials.secretKey
        }
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) } catch {
            throw http.error(.invalidRequest, endpoint, domain, nil, "could not encode the request body")
        }
        let request = ProviderRequest(method: "POST", url: url, headers: ["Content-Type": "application/json", "Accept": "application/json"],
                                  body: data, timeout: timeout, idempotent: idempotent)
        let response = try await http.send(request, operation: endpoint, domain: domain)
        let envelope = try? JSONDecoder().decode(PorkbunWire.Envelope.self, from: response.body)
        if response.status == 200, envelope?.status?.uppercased() == "SUCCESS" { return response.body }
        guard let envelope else {
            throw http.error(.decoding, endpoint, domain, response.status, "answer is not JSON: \(response.text.prefix(120))")
        }
        let message = envelope.message ?? "status \(envelope.status ?? "missing")"
        throw http.error(PorkbunClient.kind(of: message), endpoint, domain, response.status, message)
    }

    /// Maps Porkbun's error messages (A4) to error kinds.
    static func kind(of message: String) -> ProviderError.Kind {
        let m = message.lowercased()
        if m.contains("invalid api key") || m.contains("not opted in") || m.contains("api access") { return .authentication }
        if m.contains("invalid domain") || m.contains("invalid record id") { return .notFound }
        if m.contains("create error") || m.contains("edit error") { return .invalidRequest }
        return .provider
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ op: String, _ domain: String?) throws(ProviderError) -> T {
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw http.error(.decoding, op, domain, 200, "unexpected answer shape: \(error)")
        }
    }
}
