import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's Webhooks API (§1.9).
extension MailgunRoutes {
    static func validURL(_ s: String) -> Bool {
        guard let u = URL(string: s), let scheme = u.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = u.host, !host.isEmpty else { return false }
        return true
    }

    func addWebhooks(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v3/domains/:name/webhooks") { _, context in
            let name = Self.param(context, "name")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            return MailReply.json(MailgunWebhookList(webhooks: s.webhooks.mapValues { MailgunWebhookURLs(urls: $0) }))
        }
        router.get("/v3/domains/:name/webhooks/:type") { _, context in
            let name = Self.param(context, "name"), type = Self.param(context, "type")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            guard let urls = s.webhooks[type] else { return MailReply.message("Webhook not found", status: 404) }
            return MailReply.json(MailgunWebhookResponse(message: nil, webhook: .init(urls: urls)))
        }
        router.post("/v3/domains/:name/webhooks") { request, context in
            let name = Self.param(context, "name")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard let type = f["id"], MailgunWebhookType(rawValue: type) != nil else {
                return MailReply.object(["Reason": "invalid webhook id"], status: 400)
            }
            let urls = f.all("url")
            if let bad = self.checkURLs(urls) { return bad }
            if s.webhooks[type] != nil { return MailReply.object(["Reason": "Webhook for event type '\(type)' already exists"], status: 400) }
            await state.update(name) { $0.webhooks[type] = urls }
            return MailReply.json(MailgunWebhookResponse(message: "Webhook has been created", webhook: .init(urls: urls)))
        }
        router.put("/v3/domains/:name/webhooks/:type") { request, context in
            let name = Self.param(context, "name"), type = Self.param(context, "type")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            guard s.webhooks[type] != nil else { return MailReply.message("Webhook not found", status: 404) }
            let urls = MailFormFields.parse(request, body: try await request.collectedBody(context)).all("url")
            if let bad = self.checkURLs(urls) { return bad }
            await state.update(name) { $0.webhooks[type] = urls }
            return MailReply.json(MailgunWebhookResponse(message: "Webhook has been updated", webhook: .init(urls: urls)))
        }
        router.delete("/v3/domains/:name/webhooks/:type") { _, context in
            let name = Self.param(context, "name"), type = Self.param(context, "type")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            guard let urls = s.webhooks[type] else { return MailReply.message("Webhook not found", status: 404) }
            await state.update(name) { $0.webhooks[type] = nil }
            return MailReply.json(MailgunWebhookResponse(message: "Webhook has been deleted", webhook: .init(urls: urls)))
        }
    }

    func checkURLs(_ urls: [String]) -> Response? {
        if urls.isEmpty { return MailReply.object(["Reason": "url is required"], status: 400) }
        if urls.count > 3 { return MailReply.object(["Reason": "a webhook accepts at most 3 urls"], status: 400) }
        if let bad = urls.first(where: { !Self.validURL($0) }) {
            return MailReply.object(["Reason": "\(bad) is not a valid url: host not found"], status: 400)
        }
        return nil
    }
}
