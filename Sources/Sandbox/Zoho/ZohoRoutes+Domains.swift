import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Zoho emulator's domains (mail-platforms.md §2.4)
extension ZohoRoutes {
    func domainJSON(_ d: ZohoEmulatorState.DomainState) async -> [String: Any] {
        let zoid = state.zoid
        return [
            "domainName": d.name, "domainId": String(d.id), "zoid": zoid, "verificationStatus": d.verified,
            // Mixed types on purpose (§2.2): mxstatus as a string, subDomainStripping as 0/1.
            "mxstatus": d.mx ? "enabled" : "expired", "spfstatus": d.spf, "dkimstatus": d.dkim.contains { $0.isVerified },
            "mailHostingEnabled": d.hosting, "isDomainAlias": false, "subDomainStripping": 0, "primary": false,
            "HTMLVerificationCode": String(d.code), "CNAMEVerificationCode": "zb\(d.code)", "catchAllExcludeAddresses": [String](),
            "dkimDetailList": d.dkim.map(Self.dkimJSON(d)),
        ]
    }

    static func dkimJSON(_ d: ZohoEmulatorState.DomainState) -> (ZohoEmulatorState.DKIMState) -> [String: Any] {
        { k in ["isDefault": k.isDefault, "isVerified": k.isVerified, "selector": k.selector, "publicKey": k.publicKey,
                "hashType": "sha256", "domainId": String(d.id), "dkimId": String(k.id)] }
    }

    func addDomains(_ api: RouterGroup<EmulatorContext>) {
        let state = self.state
        api.get("organization/:zoid/domains") { _, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            var list: [[String: Any]] = []
            for d in await state.domains.values.sorted(by: { $0.name < $1.name }) { list.append(await self.domainJSON(d)) }
            return Self.ok(["domainVO": list])
        }
        api.get("organization/:zoid/domains/:domain") { _, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            guard let d = await state.domain(context.parameters.get("domain") ?? "") else {
                return Self.invalid("Domain not found", error: "DOMAIN_NOT_FOUND", code: 404)
            }
            return Self.ok(await self.domainJSON(d))
        }
        api.post("organization/:zoid/domains") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let req = try? JSONDecoder().decode(ZohoAddDomain.self, from: Data(body.readableBytesView)),
                  req.domainName.contains(".") else { return Self.invalid("domainName is invalid") }
            guard let d = await state.addDomain(req.domainName) else {
                return Self.invalid("\(req.domainName) already exists", error: "DOMAIN_ALREADY_EXISTS")
            }
            return Self.ok(["HTMLVerificationCode": String(d.code), "verificationStatus": false, "domainName": d.name,
                            "createdTime": d.created, "CNAMEVerificationCode": "zb\(d.code)", "isRegisteredByZoho": false,
                            "primary": false, "domainId": String(d.id)], code: 201)
        }
        api.delete("organization/:zoid/domains/:domain") { _, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            guard let d = await state.domain(context.parameters.get("domain") ?? "") else {
                return Self.invalid("Domain not found", error: "DOMAIN_NOT_FOUND", code: 404)
            }
            if d.hosting { return Self.invalid("Disable mail hosting before deleting the domain", error: "RMV_HOSTING_BEFORE_DLT_DOMAIN") }
            await state.removeDomain(d.name)
            return Self.ok()
        }
        // Both the plain path and the newer `/verifyDomain` suffix (§2.4).
        for path in ["organization/:zoid/domains/:domain", "organization/:zoid/domains/:domain/verifyDomain"] {
            api.put(RouterPath(stringLiteral: path)) { request, context in
                guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
                guard let d = await state.domain(context.parameters.get("domain") ?? "") else {
                    return Self.invalid("Domain not found", error: "DOMAIN_NOT_FOUND", code: 404)
                }
                let body = try await request.collectedBody(context)
                guard let req = try? JSONDecoder().decode(ZohoModeRequest.self, from: Data(body.readableBytesView)) else {
                    return Self.invalid("mode is required")
                }
                return await self.domainMode(req, d)
            }
        }
    }

    func domainMode(_ req: ZohoModeRequest, _ d: ZohoEmulatorState.DomainState) async -> Response {
        let name = d.name
        switch req.mode.lowercased() {
        case "verifydomainbytxt":
            if d.verified { return Self.invalid("\(d.name) is already verified", error: "DOMAIN_ALREADY_VERIFIED") }
            guard await state.txtVerified(d) else {
                return Self.ok(["message": "Verification failed due to host not found", "error": "TXT_RECORD_HOST_UNKNOWN",
                                "txtRecord": [String](), "status": false])
            }
            await state.mutateDomain(name) { $0.verified = true }
            return Self.ok(["status": true])
        case "enablemailhosting":
            guard d.verified else { return Self.invalid("\(d.name) is not verified") }
            if d.hosting { return Self.invalid("Mail hosting already enabled", error: "MAILHOSTING_ALREADY_ENABLED") }
            await state.mutateDomain(name) { $0.hosting = true }
            return Self.ok()
        case "disablemailhosting":
            await state.mutateDomain(name) { $0.hosting = false }
            return Self.ok()
        case "verifymxrecord":
            guard d.verified else { return Self.invalid("\(d.name) is not verified") }
            let ok = await state.mxVerified(d)
            await state.mutateDomain(name) { $0.mx = ok }
            return Self.ok(ok ? ["mxstatus": true] : ["mxstatus": false, "mxRecords": [String]()])
        case "verifyspfrecord":
            guard d.verified else { return Self.invalid("\(d.name) is not verified") }
            let ok = await state.spfVerified(d)
            await state.mutateDomain(name) { $0.spf = ok }
            return Self.ok(["spfstatus": ok])
        case "adddkimdetail":
            guard let sel = req.selector, !sel.isEmpty, !sel.contains(".") else { return Self.invalid("selector is invalid") }
            if d.dkim.contains(where: { $0.selector == sel }) { return Self.invalid("Selector already exists", error: "DKIM_SELECTOR_EXISTS") }
            let bits = req.keySize ?? 1024
            guard bits == 1024 || bits == 2048, let pub = try? await DKIMKeyMaker.publicKeyBase64(bits: bits) else {
                return Self.invalid("keySize must be 1024 or 2048")
            }
            guard let (domain, k) = await state.addDKIM(name, selector: sel, publicKey: "v=DKIM1; k=rsa; p=\(pub)") else {
                return Self.invalid("Selector already exists", error: "DKIM_SELECTOR_EXISTS")
            }
            // The sample answer says isDefault false whatever was asked (§2.4).
            return Self.ok(Self.dkimJSON(domain)(k))
        case "verifydkimkey", "makedkimdefault", "deletedkimdetail", "regeneratedkimkey":
            guard let id = req.dkimId.flatMap({ Int64($0.value) }), let key = d.dkim.first(where: { $0.id == id }) else {
                return Self.invalid("dkimId is invalid")
            }
            switch req.mode.lowercased() {
            case "verifydkimkey":
                let ok = await state.dkimVerified(d, key)
                await state.mutateDomain(name) { dom in
                    if let i = dom.dkim.firstIndex(where: { $0.id == id }) { dom.dkim[i].isVerified = ok }
                }
                return Self.ok(["dkimstatus": ok])
            case "makedkimdefault":
                guard key.isVerified else { return Self.invalid("DKIM key is not verified") }
                await state.mutateDomain(name) { dom in for j in dom.dkim.indices { dom.dkim[j].isDefault = dom.dkim[j].id == id } }
                return Self.ok()
            case "regeneratedkimkey":
                guard let pub = try? await DKIMKeyMaker.publicKeyBase64(bits: 2048) else { return Self.invalid("cannot generate") }
                let updated = await state.mutateDomain(name) { dom in
                    if let i = dom.dkim.firstIndex(where: { $0.id == id }) {
                        dom.dkim[i].publicKey = "v=DKIM1; k=rsa; p=\(pub)"
                        dom.dkim[i].isVerified = false
                    }
                }
                guard let dom = updated, let k = dom.dkim.first(where: { $0.id == id }) else { return Self.invalid("dkimId is invalid") }
                return Self.ok(Self.dkimJSON(dom)(k))
            default:
                await state.mutateDomain(name) { dom in dom.dkim.removeAll { $0.id == id } }
                return Self.ok()
            }
        default:
            return Self.invalid("mode \(req.mode) is not supported")
        }
    }
}
