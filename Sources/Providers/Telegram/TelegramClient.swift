import Foundation

/// Telegram Bot API alerts (mail-platforms.md §4). The token is part of the URL
/// path (`/bot<TOKEN>/sendMessage`), so it is registered with the redactor and
/// never appears in an error. A 429 is retried after `parameters.retry_after`.
public struct TelegramClient: Sendable {
    public let baseURL: URL
    let token: String
    let http: ProviderHTTPClient
    let timeout: Double

    public init(botToken: String, endpoint: URL? = nil, transport: any HTTPTransport = CurlHTTPTransport(),
                budget: RateBudget? = nil, retry: RetryPolicy = RetryPolicy(), clock: any FleetClock = SystemClock(),
                random: any RandomSource = SystemRandom(), timeout: Double = 30) {
        self.timeout = timeout
        baseURL = endpoint ?? URL(string: "https://api.telegram.org")!
        token = botToken
        http = ProviderHTTPClient(provider: "telegram", transport: transport,
                                  // ~30 messages/second overall (Bot FAQ); per-chat pacing is the alerter's job.
                                  budget: budget ?? RateBudget(windows: [RateWindow(limit: 30, seconds: 1)], clock: clock),
                                  retry: retry, clock: clock, random: random,
                                  redactor: Redactor(secrets: [botToken]), classifier: Self.classifier)
    }

    /// `parameters.retry_after` first, then "retry after N" in the description, then `Retry-After`.
    static let classifier = ResponseClassifier { response in
        guard response.status == 429 else { return nil }
        let body = try? JSONDecoder().decode(TelegramResponse<TelegramMessage>.self, from: response.body)
        var wait = body?.parameters?.retryAfter.map(Double.init)
        if wait == nil, let d = body?.description, let r = d.range(of: "retry after ") {
            wait = Double(d[r.upperBound...].prefix { $0.isNumber })
        }
        if wait == nil, let h = response.header("retry-after") { wait = Double(h) }
        return .retry(reason: "HTTP 429: \(body?.description ?? "Too Many Requests")", throttled: true, mayHaveExecuted: false, retryAfter: wait)
    }

    /// Sends one message. Not idempotent (a lost answer may still have delivered it).
    public func sendMessage(chatID: String, text: String, parseMode: TelegramParseMode? = .html,
                            disableNotification: Bool? = nil) async throws(ProviderError) -> TelegramMessage {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let body: Data
        do {
            body = try JSONEncoder().encode(TelegramSendMessage(chatID: chatID, text: text, parseMode: parseMode,
                                                                disableNotification: disableNotification))
        } catch {
            throw http.error(.invalidRequest, "sendMessage", nil, nil, "cannot encode the message")
        }
        let request = ProviderRequest(method: "POST", url: URL(string: "\(base)/bot\(token)/sendMessage")!,
                                  headers: ["Content-Type": "application/json", "Accept": "application/json"],
                                  body: body, timeout: timeout, idempotent: false)
        let response = try await http.send(request, operation: "sendMessage")
        let decoded = try? JSONDecoder().decode(TelegramResponse<TelegramMessage>.self, from: response.body)
        if let decoded, decoded.ok, let message = decoded.result { return message }
        let code = decoded?.errorCode ?? response.status
        let kind: ProviderError.Kind
        switch code {
        case 401: kind = .authentication
        case 403: kind = .authentication
        case 404: kind = .notFound
        case 429: kind = .rateLimited
        case 400..<500: kind = .invalidRequest
        default: kind = .transient
        }
        var message = decoded?.description ?? "HTTP \(response.status)"
        if let migrate = decoded?.parameters?.migrateToChatID { message += " (migrate_to_chat_id \(migrate))" }
        throw http.error(kind, "sendMessage", nil, response.status, message, code: String(code))
    }

    /// An alert as plain text: escaped for `parse_mode=HTML` and cut to 4096 characters.
    public func sendAlert(chatID: String, text: String) async throws(ProviderError) -> TelegramMessage {
        let escaped = TelegramText.escapeHTML(text)
        return try await sendMessage(chatID: chatID, text: String(escaped.prefix(4096)), parseMode: .html)
    }
}
