import Foundation

extension MailgunClient {
    /// Sends over HTTP. Not idempotent: a lost answer surfaces as `.outcomeUnknown`
    /// and must not be retried blindly (at-most-once sending, sending.md).
    public func send(domain: String, _ message: MailgunOutgoingMessage) async throws(ProviderError) -> MailgunSendResponse {
        let r = try await call("POST", "/v3/\(Self.seg(domain))/messages", form: message.formFields, idempotent: false,
                               operation: "messages.send", domain: domain, sending: true)
        return try decode(MailgunSendResponse.self, r, operation: "messages.send", domain: domain)
    }

    /// Sends a message we built ourselves (`POST /v3/{domain}/messages.mime`, §1.14), so
    /// its headers and Message-ID are the same as over SMTP. Not idempotent, like `send`:
    /// a timeout, a lost connection or a 5xx after the request left is `.outcomeUnknown`.
    public func sendMIME(domain: String, to recipients: [String], mime: Data) async throws(ProviderError) -> MailgunSendResponse {
        var body = MailgunMultipart()
        for r in recipients { body.add("to", r) }
        body.add("message", file: "message.mime", mime)
        let r = try await call("POST", "/v3/\(Self.seg(domain))/messages.mime", multipart: body, idempotent: false,
                               operation: "messages.mime", domain: domain, sending: true)
        return try decode(MailgunSendResponse.self, r, operation: "messages.mime", domain: domain)
    }

    /// Events of one message, following `paging.next` until an empty page (§1.11).
    /// `messageID` may carry angle brackets (as the send answer does); they are stripped.
    public func events(domain: String, messageID: String, limit: Int = 300) async throws(ProviderError) -> [MailgunEvent] {
        var out: [MailgunEvent] = []
        var query = [("message-id", MailgunMessageID.bare(messageID)), ("ascending", "yes"), ("limit", String(min(limit, 300)))]
        var path = "/v3/\(Self.seg(domain))/events"
        for _ in 0..<100 {
            let r = try await call("GET", path, query: query, idempotent: true, operation: "events.list", domain: domain, sending: true)
            let page = try decode(MailgunEventPage.self, r, operation: "events.list", domain: domain)
            if page.items.isEmpty { break }
            out += page.items
            guard let next = page.paging?.next, let u = URLComponents(string: next) else { break }
            path = u.path
            query = (u.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        }
        return out
    }
}
