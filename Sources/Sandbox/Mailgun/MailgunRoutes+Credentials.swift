import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's SMTP credentials (§1.7).
extension MailgunRoutes {
    static func fullLogin(_ login: String, _ domain: String) -> String {
        (login.contains("@") ? login : "\(login)@\(DomainName.normalize(domain))").lowercased()
    }

    func addCredentials(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v3/domains/:name/credentials") { request, context in
            let name = Self.param(context, "name")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 100, 1000), skip = Int(q["skip"] ?? "") ?? 0
            let all = s.credentials.keys.sorted().map {
                MailgunCredential(login: $0, mailbox: $0, createdAt: s.credentialCreated[$0], sizeBytes: 0)
            }
            return MailReply.json(MailgunCredentialList(totalCount: all.count, items: Array(all.dropFirst(skip).prefix(limit))))
        }
        router.post("/v3/domains/:name/credentials") { request, context in
            let name = Self.param(context, "name")
            guard await state.domain(name) != nil else { return self.domainNotFound(name) }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard let login = f["login"], !login.isEmpty else { return MailReply.message("Missing parameter 'login'", status: 400) }
            let full = Self.fullLogin(login, name)
            guard full.hasSuffix("@\(DomainName.normalize(name))") else {
                return MailReply.message("Login must belong to the domain", status: 400)
            }
            if await state.domain(name)?.credentials[full] != nil {
                return MailReply.message("Credentials with this login already exist", status: 400)
            }
            var generated: String? = nil
            let password: String
            if let p = f["password"] {
                guard (5...32).contains(p.count) else {
                    return MailReply.message("Password length must be between 5 and 32 characters", status: 400)
                }
                password = p
            } else {
                password = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))
                generated = password
            }
            await state.update(name) { s in
                s.credentials[full] = password
                s.credentialCreated[full] = MailReply.rfc2822(Date())
            }
            var body: [String: Any] = ["message": "Created 1 credentials pair(s)"]
            if let generated {
                body["note"] = "Please store your new password(s) now. You will not be able to retrieve them later."
                body["credentials"] = [full: generated]
            }
            return MailReply.object(body)
        }
        router.put("/v3/domains/:name/credentials/:login") { request, context in
            let name = Self.param(context, "name")
            guard await state.domain(name) != nil else { return self.domainNotFound(name) }
            let full = Self.fullLogin(Self.param(context, "login"), name)
            guard await state.domain(name)?.credentials[full] != nil else { return MailReply.message("Credentials not found", status: 404) }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            if let p = f["password"] {
                guard (5...32).contains(p.count) else {
                    return MailReply.message("Password length must be between 5 and 32 characters", status: 400)
                }
                await state.update(name) { $0.credentials[full] = p }
                return MailReply.message("Password changed", status: 200)
            }
            // Recorded: without a password Mailgun generates one and shows it once.
            let generated = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))
            await state.update(name) { $0.credentials[full] = generated }
            return MailReply.object(["message": "Password changed",
                                     "note": "Please store your new password(s) now. You will not be able to retrieve them later.",
                                     "credentials": [full: generated]])
        }
        router.delete("/v3/domains/:name/credentials/:login") { _, context in
            let name = Self.param(context, "name")
            guard await state.domain(name) != nil else { return self.domainNotFound(name) }
            let full = Self.fullLogin(Self.param(context, "login"), name)
            if full == "postmaster@\(DomainName.normalize(name))" {
                return MailReply.message("Cannot delete system mailbox: \(full)", status: 400)
            }
            guard await state.domain(name)?.credentials[full] != nil else { return MailReply.message("Credentials not found", status: 404) }
            await state.update(name) { s in s.credentials[full] = nil; s.credentialCreated[full] = nil }
            return MailReply.object(["message": "Credentials have been deleted", "spec": full])
        }
    }
}
