import DNSRecords
import Foundation

/// Zoho Mail organization admin API for one organization (mail-platforms.md §2).
/// `Authorization: Zoho-oauthtoken <token>` (not Bearer); an expired-token answer
/// (401) refreshes the token once and repeats the call once. Failures may hide in
/// a 200 (`status.code` ≥ 400 or a false flag in `data`), so both are checked.
public struct ZohoClient: Sendable {
    public let region: ZohoRegion
    public let orgID: String
    public let mailBase: URL
    public let tokens: ZohoAccessTokens
    let http: ProviderHTTPClient
    let timeout: Double

    /// `mailEndpoint`/`accountsEndpoint` override the regional hosts (Sandbox, proxy).
    public init(region: ZohoRegion, orgID: String, clientID: String, clientSecret: String, refreshToken: String,
                mailEndpoint: URL? = nil, accountsEndpoint: URL? = nil,
                transport: any HTTPTransport = CurlHTTPTransport(), budget: RateBudget? = nil,
                retry: RetryPolicy = RetryPolicy(), clock: any FleetClock = SystemClock(),
                random: any RandomSource = SystemRandom(), timeout: Double = 30) {
        self.region = region
        self.timeout = timeout
        self.orgID = orgID
        self.mailBase = mailEndpoint ?? region.mailBase
        let redactor = Redactor(secrets: [clientID, clientSecret, refreshToken])
        // Rate limits are undocumented (§2.2): budget conservatively, 1 request/s per org.
        http = ProviderHTTPClient(provider: "zoho", transport: transport,
                                  budget: budget ?? .zoho(clock: clock),
                                  retry: retry, clock: clock, random: random, redactor: redactor)
        tokens = ZohoAccessTokens(http: http, accountsBase: accountsEndpoint ?? region.accountsBase, clientID: clientID,
                                  clientSecret: clientSecret, refreshToken: refreshToken, clock: clock)
    }

    var orgPath: String { "/api/organization/\(orgID)" }

    func url(_ path: String, query: [(String, String)] = []) -> URL {
        var s = mailBase.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        s += path
        if !query.isEmpty {
            s += "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        }
        return URL(string: s)!
    }

    /// Sends a JSON call with the cached token; on a 401 refreshes once and retries once.
    func call<Body: Encodable>(_ method: String, _ path: String, query: [(String, String)] = [], body: Body?,
                               idempotent: Bool, operation: String, domain: String? = nil) async throws(ProviderError) -> ProviderResponse {
        var data: Data? = nil
        if let body {
            do { data = try JSONEncoder().encode(body) } catch {
                throw http.error(.invalidRequest, operation, domain, nil, "cannot encode the request body")
            }
        }
        var refreshed = false
        while true {
            let token = try await tokens.token()
            var headers = ["Authorization": "Zoho-oauthtoken \(token)", "Accept": "application/json"]
            if data != nil { headers["Content-Type"] = "application/json" }
            let request = ProviderRequest(method: method, url: url(path, query: query), headers: headers, body: data,
                                      timeout: timeout, idempotent: idempotent)
            let redacting = http
            let response: ProviderResponse
            do {
                response = try await redacting.send(request, operation: operation, domain: domain)
            } catch {
                throw ProviderError(kind: error.kind, provider: error.provider, operation: error.operation, domain: error.domain,
                                    httpStatus: error.httpStatus, code: error.code, message: error.message,
                                    redactor: Redactor(secrets: [token]))
            }
            if response.status == 401 && !refreshed {
                refreshed = true
                await tokens.invalidate(token)
                continue
            }
            if let failure = failure(response, operation: operation, domain: domain) { throw failure }
            return response
        }
    }

    func call(_ method: String, _ path: String, query: [(String, String)] = [], idempotent: Bool,
              operation: String, domain: String? = nil) async throws(ProviderError) -> ProviderResponse {
        try await call(method, path, query: query, body: Optional<ZohoAddDomain>.none, idempotent: idempotent,
                       operation: operation, domain: domain)
    }

    /// Error if HTTP ≥ 400 or `status.code` ≥ 400 (§2.2); an empty error body is possible.
    func failure(_ response: ProviderResponse, operation: String, domain: String?) -> ProviderError? {
        let envelope = try? JSONDecoder().decode(ZohoEnvelope<ZohoErrorData>.self, from: response.body)
        let code = max(response.status, envelope?.status.code ?? 0)
        guard code >= 400 else { return nil }
        let data = envelope?.data
        let text = [data?.moreInfo, data?.message, envelope?.status.message, envelope?.status.description]
            .compactMap { $0 }.first ?? "HTTP \(response.status)"
        let machine = data?.error?.uppercased()
        let kind: ProviderError.Kind
        switch code {
        case 401: kind = .authentication
        case 403: kind = machine == "OPERATION_NOT_PERMITTED" ? .invalidRequest : .authentication
        case 404: kind = .notFound
        case 400..<500: kind = .invalidRequest
        default: kind = .transient
        }
        return http.error(kind, operation, domain, response.status, text, code: machine)
    }

    func decode<T: Codable & Sendable>(_ type: T.Type, _ response: ProviderResponse, operation: String, domain: String?) throws(ProviderError) -> T {
        do {
            let env = try JSONDecoder().decode(ZohoEnvelope<T>.self, from: response.body)
            guard let data = env.data else { throw http.error(.decoding, operation, domain, response.status, "answer has no data") }
            return data
        } catch let e as ProviderError {
            throw e
        } catch {
            throw http.error(.decoding, operation, domain, response.status, "unexpected body: \(error)")
        }
    }
}
