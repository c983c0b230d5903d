import DNSRecords
import Foundation

/// The Mailgun API for one account in one region, on the shared HTTP layer.
/// Every call about a domain must use the client of the region the domain lives
/// in (mail-platforms.md §1.1). Auth is HTTP Basic `api:KEY`; the key (and the
/// encoded header) are registered with the redactor so no error can show them.
public struct MailgunClient: Sendable {
    public let region: MailgunRegion
    public let baseURL: URL
    /// Domains, credentials, webhooks, routes, suppressions: the documented 300/minute account budget.
    let http: ProviderHTTPClient
    /// Messages and events have their own (plan-dependent) limits, answered with 429/420;
    /// they must not eat the admin budget, so they go through a separate client.
    let sendHTTP: ProviderHTTPClient
    let authorization: String
    let timeout: Double
    let decoder = JSONDecoder()

    /// `endpoint` overrides the regional base URL (proxy, Sandbox emulator).
    public init(region: MailgunRegion, apiKey: String, endpoint: URL? = nil,
                transport: any HTTPTransport = CurlHTTPTransport(), budget: RateBudget? = nil,
                sendBudget: RateBudget? = nil, retry: RetryPolicy = RetryPolicy(), clock: any FleetClock = SystemClock(),
                random: any RandomSource = SystemRandom(), timeout: Double = 30) {
        self.region = region
        self.timeout = timeout
        self.baseURL = endpoint ?? region.apiBase
        let token = Data("api:\(apiKey)".utf8).base64EncodedString()
        authorization = "Basic \(token)"
        let redactor = Redactor(secrets: [apiKey, token, "api:\(apiKey)"])
        http = ProviderHTTPClient(
            provider: "mailgun-\(region.rawValue)", transport: transport,
            // Domains and Webhooks APIs: 300 requests/minute per account (§1.3).
            budget: budget ?? .mailgun(clock: clock),
            retry: retry, clock: clock, random: random, redactor: redactor, classifier: Self.classifier(clock: clock))
        sendHTTP = ProviderHTTPClient(
            provider: "mailgun-\(region.rawValue)", transport: transport, budget: sendBudget ?? .unlimited(clock: clock),
            retry: retry, clock: clock, random: random, redactor: redactor, classifier: Self.classifier(clock: clock))
    }

    /// 429 and 420 are both throttles (§1.3: 420 "recipient limit exceeded" seen in 2025);
    /// the wait comes from `Retry-After`, `retry-seconds` or the "try again after" text.
    static func classifier(clock: any FleetClock) -> ResponseClassifier {
        ResponseClassifier { response in
            guard response.status == 429 || response.status == 420 else { return nil }
            let body = MailgunErrorBody.parse(response.body, contentType: response.header("content-type"))
            let wait = MailgunThrottleHint.delay(retryAfterHeader: response.header("retry-after"), body: body, now: clock.wallDate())
            return .retry(reason: "HTTP \(response.status): \(body.detail)", throttled: true, mayHaveExecuted: false, retryAfter: wait)
        }
    }

    // MARK: plumbing

    func url(_ path: String, query: [(String, String)] = []) -> URL {
        var s = baseURL.absoluteString
        while s.hasSuffix("/") { s.removeLast() }
        s += path
        if !query.isEmpty { s += "?" + query.map { "\(MailgunForm.escape($0.0))=\(MailgunForm.escape($0.1))" }.joined(separator: "&") }
        return URL(string: s)!
    }

    func call(_ method: String, _ path: String, query: [(String, String)] = [], form: [(String, String)]? = nil,
              multipart: MailgunMultipart? = nil, idempotent: Bool, operation: String, domain: String? = nil,
              sending: Bool = false) async throws(ProviderError) -> ProviderResponse {
        var headers = ["Authorization": authorization, "Accept": "application/json"]
        var body: Data? = nil
        if let form {
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = MailgunForm.encode(form)
        }
        if let multipart {
            let (contentType, data) = multipart.encoded()
            headers["Content-Type"] = contentType
            body = data
        }
        let request = ProviderRequest(method: method, url: url(path, query: query), headers: headers, body: body,
                                  timeout: timeout, idempotent: idempotent)
        let response = try await (sending ? sendHTTP : http).send(request, operation: operation, domain: domain)
        guard response.status < 300 else { throw error(for: response, operation: operation, domain: domain) }
        return response
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: ProviderResponse, operation: String, domain: String?) throws(ProviderError) -> T {
        do { return try decoder.decode(T.self, from: response.body) } catch {
            throw http.error(.decoding, operation, domain, response.status, "unexpected body: \(error)")
        }
    }

    /// Maps every documented error body shape (§1.2) to a typed error; `code` names the shape.
    func error(for response: ProviderResponse, operation: String, domain: String?) -> ProviderError {
        let body = MailgunErrorBody.parse(response.body, contentType: response.header("content-type"))
        let kind: ProviderError.Kind
        switch response.status {
        case 401: kind = .authentication
        case 404: kind = .notFound
        case 400, 413: kind = .invalidRequest
        case 420, 429: kind = .rateLimited
        case 500...: kind = .transient
        default: kind = .provider
        }
        return http.error(kind, operation, domain, response.status, body.detail.isEmpty ? "HTTP \(response.status)" : body.detail,
                          code: body.shape)
    }

    static func seg(_ s: String) -> String { MailgunForm.pathSegment(s) }
}

extension MailgunErrorBody {
    /// Which documented shape the body had, for callers and tests.
    public var shape: String {
        switch self {
        case .message: return "json.message"
        case .reason: return "json.Reason"
        case .description: return "json.Description"
        case .retrySeconds: return "json.retry-seconds"
        case .text: return "text"
        case .html: return "html"
        case .empty: return "empty"
        }
    }
}
