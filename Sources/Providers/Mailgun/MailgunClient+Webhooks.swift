extension MailgunClient {
    /// Configured webhooks by type; unconfigured types are absent (§1.9).
    public func listWebhooks(_ domain: String) async throws(ProviderError) -> [String: [String]] {
        let r = try await call("GET", "/v3/domains/\(Self.seg(domain))/webhooks", idempotent: true, operation: "webhooks.list", domain: domain)
        return try decode(MailgunWebhookList.self, r, operation: "webhooks.list", domain: domain).webhooks.mapValues(\.urls)
    }

    /// 1–3 URLs for one type.
    public func createWebhook(_ domain: String, type: MailgunWebhookType, urls: [String]) async throws(ProviderError) -> [String] {
        let r = try await call("POST", "/v3/domains/\(Self.seg(domain))/webhooks",
                               form: [("id", type.rawValue)] + urls.prefix(3).map { ("url", $0) },
                               idempotent: false, operation: "webhooks.create", domain: domain)
        return try decode(MailgunWebhookResponse.self, r, operation: "webhooks.create", domain: domain).webhook.urls
    }

    /// Replaces the URL list of one type.
    public func updateWebhook(_ domain: String, type: MailgunWebhookType, urls: [String]) async throws(ProviderError) -> [String] {
        let r = try await call("PUT", "/v3/domains/\(Self.seg(domain))/webhooks/\(type.rawValue)",
                               form: urls.prefix(3).map { ("url", $0) }, idempotent: true,
                               operation: "webhooks.update", domain: domain)
        return try decode(MailgunWebhookResponse.self, r, operation: "webhooks.update", domain: domain).webhook.urls
    }

    @discardableResult
    public func deleteWebhook(_ domain: String, type: MailgunWebhookType) async throws(ProviderError) -> Bool {
        do throws(ProviderError) {
            _ = try await call("DELETE", "/v3/domains/\(Self.seg(domain))/webhooks/\(type.rawValue)",
                               idempotent: true, operation: "webhooks.delete", domain: domain)
            return true
        } catch where error.kind == .notFound {
            return false
        }
    }

    /// GET, then POST when absent or PUT when different (§1.9: v3 POST on an existing
    /// type is unverified, so it is never relied on).
    public func ensureWebhook(_ domain: String, type: MailgunWebhookType, urls: [String]) async throws(ProviderError) {
        let current = try await listWebhooks(domain)[type.rawValue]
        if current == urls { return }
        if current != nil { _ = try await updateWebhook(domain, type: type, urls: urls); return }
        do throws(ProviderError) {
            _ = try await createWebhook(domain, type: type, urls: urls)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            guard try await listWebhooks(domain)[type.rawValue] != nil else { throw error }
            _ = try await updateWebhook(domain, type: type, urls: urls)
        }
    }
}
