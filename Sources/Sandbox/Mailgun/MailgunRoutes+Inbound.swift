import Foundation
import Hummingbird
import NIOCore
import Providers

/// SANDBOX ONLY (Mailgun has no such endpoint): `POST /sandbox/inbound`
/// makes a message arrive at Mailgun's MX for `recipient`, so a test can
/// play the person who replies. Form fields: `recipient` (required),
/// `sender`, `from`, `subject`, `body-plain`, and `message-headers` (a JSON
/// list of `[name, value]` pairs, as Routes forward them). The stored routes
/// are evaluated; each `forward("http…")` gets the Routes POST Mailgun
/// makes (§1.10: multipart, signed `timestamp`/`token`/`signature`, the
/// message fields) — once, answered synchronously, through the webhooks'
/// redirect (so `serve --sandbox` hears it). Forwards to addresses are
/// listed, not delivered. Answer: `{"routes": [ids], "forwards": [{"url",
/// "status"}], "addresses": [...]}`, or 404 `Route not found`.
extension MailgunRoutes {
    func addInbound(_ router: Router<EmulatorContext>) {
        let state = self.state, webhooks = self.webhooks
        router.post("/sandbox/inbound") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard let recipient = f["recipient"], !recipient.isEmpty else { return MailReply.message("recipient parameter is missing", status: 400) }
            let headersJSON = f["message-headers"] ?? "[]"
            let headers = ((try? JSONSerialization.jsonObject(with: Data(headersJSON.utf8))) as? [[String]] ?? [])
                .compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
            let fired = MailgunRouteEvaluation.evaluate(await state.routes, recipient: recipient, headers: headers)
            guard !fired.isEmpty else { return MailReply.message("Route not found", status: 404) }
            var fields: [(String, String)] = [("recipient", recipient), ("message-headers", headersJSON)]
            for k in ["sender", "from", "subject", "body-plain"] { if let v = f[k] { fields.append((k, v)) } }
            fields.append(("stripped-text", f["body-plain"] ?? ""))
            fields.append(("attachment-count", "0"))
            var forwards: [[String: Any]] = [], addresses: [String] = []
            for destination in fired.flatMap(\.destinations) {
                guard destination.hasPrefix("http://") || destination.hasPrefix("https://") else { addresses.append(destination); continue }
                let status = await webhooks.postForward(fields, to: destination, now: Date())
                forwards.append(["url": destination, "status": status ?? 0])
            }
            return MailReply.object(["message": "Message routed", "routes": fired.map(\.routeID), "forwards": forwards, "addresses": addresses])
        }
    }
}

extension MailgunWebhookDispatcher {
    /// One Routes `forward()` POST, signed like a webhook; the HTTP status, nil when unreachable.
    func postForward(_ fields: [(String, String)], to url: String, now: Date) async -> Int? {
        let s = Self.sign(key: signingKey, now: now)
        var form = MailgunMultipart()
        for (k, v) in [("timestamp", s.timestamp), ("token", s.token), ("signature", s.signature)] + fields { form.add(k, v) }
        let (contentType, body) = form.encoded()
        guard let target = URL(string: target(url)) else { return nil }
        return await status(of: ProviderRequest(url: target, headers: ["Content-Type": contentType], body: body,
                                                timeout: 10, idempotent: false))
    }
}
