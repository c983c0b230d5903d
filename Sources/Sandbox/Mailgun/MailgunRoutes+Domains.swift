import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's Domains API (mail-platforms.md §1.4).
extension MailgunRoutes {
    func addDomains(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v4/domains") { request, context in
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 100, 1000)
            let skip = Int(q["skip"] ?? "") ?? 0
            var all = await state.domains.values.map(\.domain).sorted { ($0.id ?? "") > ($1.id ?? "") }
            if let st = q["state"] { all = all.filter { $0.state == st } }
            let page = Array(all.dropFirst(skip).prefix(limit))
            return MailReply.json(MailgunDomainList(totalCount: all.count, items: page))
        }
        router.get("/v4/domains/:name") { _, context in
            let name = Self.param(context, "name")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            return MailReply.json(self.domainBody(s, message: nil))
        }
        router.post("/v4/domains") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            switch try await self.createDomain(f, defaultKeySize: "2048") {
            case .failure(let refusal): return refusal.response
            case .success(let s): return MailReply.json(self.domainBody(s, message: "Domain DNS records have been created"))
            }
        }
        router.put("/v4/domains/:name/verify") { _, context in
            let name = Self.param(context, "name")
            guard let s = await state.verify(name) else { return self.domainNotFound(name) }
            return MailReply.json(self.domainBody(s, message: "Domain DNS records have been updated"))
        }
        router.delete("/v3/domains/:name") { _, context in
            let name = Self.param(context, "name")
            guard await state.deleteDomain(name) else { return self.domainNotFound(name) }
            return MailReply.message("Domain will be deleted in the background", status: 200)
        }
        let signingKey = self.signingKey
        router.get("/v5/accounts/http_signing_key") { _, _ in
            MailReply.json(MailgunSigningKeyResponse(httpSigningKey: signingKey))
        }
    }

    struct Refusal: Error { let response: Response }

    /// The checks and the insert `POST /v4/domains` and `POST /v3/domains` share;
    /// only the DKIM key size default differs (v4 2048; the legacy v3 docs: 1024).
    func createDomain(_ f: MailFormFields, defaultKeySize: String) async throws -> Result<MailgunEmulatorState.DomainState, Refusal> {
        guard let name = f["name"], !name.isEmpty else { return .failure(Refusal(response: MailReply.message("Missing parameter 'name'", status: 400))) }
        if await state.domain(name) != nil { return .failure(Refusal(response: MailReply.message("This domain name is already taken", status: 400))) }
        if let sel = f["dkim_selector"], sel.isEmpty || !sel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            return .failure(Refusal(response: MailReply.message("dkim_selector must be a valid RFC 2822 atom", status: 400)))
        }
        let bits = Int(f["dkim_key_size"] ?? defaultKeySize) ?? 0
        guard bits == 1024 || bits == 2048 else { return .failure(Refusal(response: MailReply.message("dkim_key_size must be 1024 or 2048", status: 400))) }
        if let p = f["smtp_password"], p.count < 5 || p.count > 32 {
            return .failure(Refusal(response: MailReply.message("Password is too short. It must be between 5 and 32 characters.", status: 400)))
        }
        let pub = try await DKIMKeyMaker.publicKeyBase64(bits: bits)
        guard let s = await state.createDomain(name: name, selector: f["dkim_selector"], publicKey: pub,
                                               spamAction: f["spam_action"] ?? "disabled", webPrefix: f["web_prefix"] ?? "email",
                                               webScheme: f["web_scheme"] ?? "http", wildcard: f["wildcard"] == "true", now: Date())
        else { return .failure(Refusal(response: MailReply.message("This domain name is already taken", status: 400))) }
        return .success(s)
    }
}
