import Foundation
import Hummingbird
import NIOCore
import Providers

/// The legacy v3 Domains API, still served beside v4 and still what many
/// clients call (mailgun/documentation `api-domains.rst`, v3 samples): the same
/// envelope (`domain`, `receiving_dns_records`, `sending_dns_records`) with
/// the v3 differences — the create message is "Domain has been created", the
/// domain object lacks the v4-only fields (`use_automatic_sender_security`,
/// `encrypt_incoming_message`, `message_ttl`), the DNS records carry no
/// `is_active`, and the DKIM key defaults to 1024 bits. Errors are v4's.
extension MailgunRoutes {
    func addDomainsV3(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v3/domains") { request, _ in
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 100, 1000)
            let skip = Int(q["skip"] ?? "") ?? 0
            let all = await state.domains.values.map(\.domain).sorted { ($0.id ?? "") > ($1.id ?? "") }
            let page = all.dropFirst(skip).prefix(limit).map(Self.v3)
            return MailReply.json(MailgunDomainList(totalCount: all.count, items: Array(page)))
        }
        router.get("/v3/domains/:name") { _, context in
            let name = Self.param(context, "name")
            guard let s = await state.domain(name) else { return self.domainNotFound(name) }
            return MailReply.json(self.domainBodyV3(s, message: nil))
        }
        router.post("/v3/domains") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            switch try await self.createDomain(f, defaultKeySize: "1024") {
            case .failure(let refusal): return refusal.response
            case .success(let s): return MailReply.json(self.domainBodyV3(s, message: "Domain has been created"))
            }
        }
    }

    func domainBodyV3(_ s: MailgunEmulatorState.DomainState, message: String?) -> MailgunDomainResponse {
        func strip(_ r: MailgunDNSRecord) -> MailgunDNSRecord {
            var r = r
            r.isActive = nil
            return r
        }
        return MailgunDomainResponse(message: message, domain: Self.v3(s.domain), receivingDNSRecords: s.records.receiving.map(strip),
                                     sendingDNSRecords: s.records.sending.map(strip))
    }

    static func v3(_ d: MailgunDomain) -> MailgunDomain {
        var d = d
        d.useAutomaticSenderSecurity = nil
        d.encryptIncomingMessage = nil
        d.messageTTL = nil
        return d
    }
}
