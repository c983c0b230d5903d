/// Webhooks API wire shapes (mail-platforms.md §1.9).

/// The webhook types (names) Mailgun knows.
public enum MailgunWebhookType: String, Sendable, Hashable, Codable, CaseIterable {
    case accepted, clicked, complained, delivered, opened
    case permanentFail = "permanent_fail"
    case temporaryFail = "temporary_fail"
    case unsubscribed
}

/// `{"urls": [...]}`; old accounts answer `{"url": "..."}` (mailgun-go handles both).
public struct MailgunWebhookURLs: Sendable, Hashable, Codable {
    public var urls: [String]
    public init(urls: [String]) { self.urls = urls }

    enum CodingKeys: String, CodingKey { case urls, url }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let list = try c.decodeIfPresent([String].self, forKey: .urls) {
            urls = list
        } else if let one = try c.decodeIfPresent(String.self, forKey: .url) {
            urls = [one]
        } else {
            urls = []
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(urls, forKey: .urls)
    }
}

/// List answer: only configured types appear.
public struct MailgunWebhookList: Sendable, Hashable, Codable {
    public var webhooks: [String: MailgunWebhookURLs]
    public init(webhooks: [String: MailgunWebhookURLs]) { self.webhooks = webhooks }
}

/// Get / create / update / delete answer.
public struct MailgunWebhookResponse: Sendable, Hashable, Codable {
    public var message: String?
    public var webhook: MailgunWebhookURLs
    public init(message: String?, webhook: MailgunWebhookURLs) { self.message = message; self.webhook = webhook }
}

/// `GET /v5/accounts/http_signing_key`.
public struct MailgunSigningKeyResponse: Sendable, Hashable, Codable {
    public var message: String?
    public var httpSigningKey: String
    public init(message: String? = nil, httpSigningKey: String) { self.message = message; self.httpSigningKey = httpSigningKey }
    enum CodingKeys: String, CodingKey { case message; case httpSigningKey = "http_signing_key" }
}
