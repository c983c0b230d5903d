import Foundation
import DNSRecords
import Inventory
import Providers
import Store

/// The alternative to SMTP: Mailgun's `POST /v3/{domain}/messages.mime` with
/// our own MIME bytes (so headers and Message-ID are identical either way),
/// through Providers' `MailgunClient` and so the shared HTTP layer: timeouts,
/// redaction of the key, throttle handling, and at-most-once for the POST.
/// Outcomes: 2xx accepted; no answer, a lost connection or a 5xx after the
/// request left is `unknown` (never resent, like a lost SMTP final reply);
/// throttling past the retries or a refused connection is `deferred`; other
/// 4xx answers are `rejected`.
public final class MailgunHTTPTransport: MailTransport, @unchecked Sendable {
    /// `https://api.mailgun.net` (US) or `https://api.eu.mailgun.net` (EU), or an emulator;
    /// nil: each group's own pool (`SendingGroup.mailgun`).
    public let baseURL: String?
    /// `env:NAME` of the API key (with `baseURL`).
    public let apiKey: String?
    public let environment: [String: String]
    public let timeout: Double
    public let retry: RetryPolicy
    /// One connection pool for every account.
    private let http: any HTTPTransport
    private let lock = NSLock()
    private var clients: [String: MailgunClient] = [:]   // by base URL and key reference, under `lock`

    public init(baseURL: String? = nil, apiKey: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
                timeout: Double = 120, retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 1, maxDelay: 5, totalBudget: 30),
                http: any HTTPTransport = CurlHTTPTransport()) {
        self.baseURL = baseURL; self.apiKey = apiKey; self.environment = environment
        self.timeout = timeout; self.retry = retry; self.http = http
    }

    public func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult {
        guard let base = baseURL ?? group.mailgun?.baseURL, let keyRef = apiKey ?? group.mailgun?.apiKey else {
            return .configFault(.group, code: nil, text: "configuration: group \(group.name) has no Mailgun API account", phase: .http)
        }
        let client: MailgunClient
        do { client = try self.client(base: base, keyRef: keyRef) } catch {
            return .configFault(.group, code: nil, text: "configuration: \(error)", phase: .http)
        }
        do {
            let r = try await client.sendMIME(domain: mailbox.domain, to: [message.recipient], mime: Data(message.data))
            return TransportResult(state: .accepted, code: 200, text: "\(r.message) \(r.id)", phase: .http)
        } catch {
            return Self.classify(error)
        }
    }

    public func secretsNeeded(fleet: SendingFleet) -> [SendPreflight.Need] {
        let groups = Set(fleet.sendingMailboxes.map(\.group))
        return fleet.groups.filter { groups.contains($0.name) }.compactMap { g in
            (apiKey ?? g.mailgun?.apiKey).map { SendPreflight.Need(reference: $0, neededBy: "Mailgun API key of group \(g.name)") }
        }
    }

    static func classify(_ e: ProviderError) -> TransportResult {
        let text = e.description
        // 401/403: the API key; 404: the endpoint or the domain. Ours to fix,
        // so the message stays planned and the group's sending pauses.
        if [401, 403, 404].contains(e.httpStatus ?? 0) || e.kind == .authentication {
            return .configFault(.group, code: e.httpStatus, text: "configuration: Mailgun refused the request: \(text)", phase: .http)
        }
        // The host does not resolve or its certificate does not verify (from
        // libcurl's code, not its text): a wrong endpoint or CA, ours to fix.
        // Nothing was sent: the request never got past the connection.
        if e.httpStatus == nil, let fault = e.connectFault {
            let why = fault == .hostNotFound ? "the API host does not resolve" : "the API's TLS certificate does not verify"
            return .configFault(.group, code: nil, text: "configuration: cannot reach Mailgun: \(why) (\(text))",
                                phase: fault == .hostNotFound ? .connect : .tls)
        }
        switch e.kind {
        case .outcomeUnknown:
            return TransportResult(state: .unknown, code: e.httpStatus, text: text, phase: .http)
        case .rateLimited, .transient:
            // Retried inside the client already; nothing was executed (a 5xx on this POST is outcomeUnknown).
            return TransportResult(state: .deferred, code: e.httpStatus, text: text, phase: e.httpStatus == nil ? .connect : .http)
        case .decoding where (200..<300).contains(e.httpStatus ?? 0):
            // Mailgun took it; only its answer was odd.
            return TransportResult(state: .accepted, code: e.httpStatus, text: text, phase: .http)
        default:
            return TransportResult(state: .rejected, code: e.httpStatus, text: text, phase: .http)
        }
    }

    private func client(base: String, keyRef: String) throws -> MailgunClient {
        let cacheKey = "\(base)|\(keyRef)"
        if let c = lock.withLock({ clients[cacheKey] }) { return c }
        let key = try SecretRef.resolve(keyRef, environment: environment)
        guard let url = URL(string: base), url.scheme == "https" || url.scheme == "http" else {
            throw SenderError.configuration("Mailgun base URL \(base) is not an http(s) URL")
        }
        let region: MailgunRegion = url.host?.contains(".eu.") == true ? .eu : .us
        let c = MailgunClient(region: region, apiKey: key, endpoint: url, transport: http, retry: retry, timeout: timeout)
        lock.withLock { clients[cacheKey] = c }
        return c
    }
}
