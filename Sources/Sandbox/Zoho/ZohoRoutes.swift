import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Zoho emulator's HTTP surface (mail-platforms.md §2): `{"status", "data"}`
/// envelopes, verification failures inside HTTP 200, ids above 2^53 that arrive
/// as strings in some places and numbers in others, and HTTP-200 token errors.
struct ZohoRoutes: Sendable {
    let state: ZohoEmulatorState
    let clientID: String
    let clientSecret: String
    let refreshToken: String
    let tokenLifetime: Double

    static let traits = EmulatorTraits(
        endpoint: { request, _ in
            "\(request.method.rawValue) " + "/" + request.uri.path.split(separator: "/").map { p in
                p.contains(".") || p.contains("@") || p.allSatisfy(\.isNumber) ? ":id" : String(p)
            }.joined(separator: "/")
        },
        throttled: { ZohoRoutes.envelope(code: 429, description: "Too many requests", data: ["moreInfo": "Too many requests"]) })

    static func envelope(code: Int, description: String, data: Any? = nil, httpStatus: Int? = nil) -> Response {
        var body: [String: Any] = ["status": ["code": code, "description": description]]
        if let data { body["data"] = data }
        return MailReply.object(body, status: httpStatus ?? code)
    }

    static func ok(_ data: Any? = nil, code: Int = 200) -> Response {
        envelope(code: code, description: code == 201 ? "Created" : "success", data: data)
    }

    static func invalid(_ moreInfo: String, error: String? = nil, code: Int = 400) -> Response {
        var data: [String: Any] = ["moreInfo": moreInfo]
        if let error { data["error"] = error }
        return envelope(code: code, description: "Invalid Input", data: data)
    }

    func router(gate: EmulatorGate) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: gate)
        addToken(router)
        let api = router.group("api").add(middleware: ZohoAuth(state: state))
        addOrganization(api)
        addDomains(api)
        addUsers(api)
        return router
    }

    // MARK: OAuth (§2.1): parameters in the query or a form body; errors are HTTP 200.

    func addToken(_ router: Router<EmulatorContext>) {
        let (state, id, secret, refresh, lifetime) = (self.state, clientID, clientSecret, refreshToken, tokenLifetime)
        router.post("/oauth/v2/token") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard f["grant_type"] == "refresh_token" else { return MailReply.object(["error": "unsupported_grant_type"]) }
            guard f["client_id"] == id, f["client_secret"] == secret else { return MailReply.object(["error": "invalid_client"]) }
            guard f["refresh_token"] == refresh else { return MailReply.object(["error": "invalid_code"]) }
            let token = await state.issueToken(lifetime: lifetime)
            return MailReply.object(["access_token": token, "api_domain": "https://www.zohoapis.com", "token_type": "Bearer",
                                     "expires_in": Int(lifetime)])
        }
    }

    func orgMatches(_ context: EmulatorContext) async -> Bool {
        context.parameters.get("zoid") == String(state.zoid)
    }

    func addOrganization(_ api: RouterGroup<EmulatorContext>) {
        let state = self.state
        api.get("organization/:zoid") { _, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let domains = await state.domains.keys.sorted()
            return Self.ok(["zoid": state.zoid, "orgName": "Sandbox Org", "primaryDomainName": domains.first ?? "",
                            "domains": domains, "usersCount": await state.users.count, "isMailHostingEnabled": true])
        }
    }

    // MARK: domains (§2.4)

    func domainJSON(_ d: ZohoEmulatorState.DomainState) async -> [String: Any] {
        let zoid = await state.zoid
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

    // MARK: users (§2.5)

    static func userJSON(_ u: ZohoEmulatorState.UserState) -> [String: Any] {
        // zuid as a string, accountId as a number: real answers mix both (§2.2).
        var j: [String: Any] = [
            "zuid": String(u.zuid), "accountId": u.accountId, "accountName": u.address.split(separator: "@").first.map(String.init) ?? "",
            "role": u.role, "mailboxStatus": u.enabled ? "enabled" : "disabled", "type": "ZOHO_ACCOUNT",
            "incomingBlocked": !u.enabled, "tfaEnabled": "false",
            "emailAddress": [["mailId": u.address, "isPrimary": true, "isAlias": false, "isConfirmed": true]],
        ]
        if let f = u.firstName { j["firstName"] = f }
        if let l = u.lastName { j["lastName"] = l }
        if let d = u.displayName { j["displayName"] = d }
        return j
    }

    func addUsers(_ api: RouterGroup<EmulatorContext>) {
        let state = self.state
        api.get("organization/:zoid/accounts") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let start = Int(q["start"] ?? "") ?? 0, limit = Int(q["limit"] ?? "") ?? 10
            let all = await state.users.values.sorted { $0.zuid < $1.zuid }
            return Self.ok(all.dropFirst(start).prefix(limit).map(Self.userJSON))
        }
        api.post("organization/:zoid/accounts") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let u = try? JSONDecoder().decode(ZohoNewUser.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("primaryEmailAddress and password are required")
            }
            let domain = u.primaryEmailAddress.split(separator: "@").last.map(String.init) ?? ""
            guard let d = await state.domain(domain), d.verified else { return Self.invalid("\(domain) is not verified") }
            guard u.password.count >= 8 else { return Self.invalid("Password does not meet the password policy") }
            guard let created = await state.addUser(address: u.primaryEmailAddress, first: u.firstName, last: u.lastName,
                                                    display: u.displayName, role: u.role ?? "member") else {
                return Self.invalid("\(u.primaryEmailAddress) already exists", error: "EMAIL_ALREADY_EXISTS")
            }
            return Self.ok(Self.userJSON(created), code: 201)
        }
        api.put("organization/:zoid/accounts/:account") { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let req = try? JSONDecoder().decode(ZohoModeRequest.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("mode is required")
            }
            let account = Int64(context.parameters.get("account") ?? "") ?? -1
            guard var u = await state.users.values.first(where: { $0.accountId == account }) else {
                return Self.invalid("User not found", code: 404)
            }
            guard req.zuid.flatMap({ Int64($0.value) }) == u.zuid else { return Self.invalid("zuid does not match the account") }
            switch req.mode {
            case "disableUser": u.enabled = false
            case "enableUser": u.enabled = true
            default: return Self.invalid("mode \(req.mode) is not supported")
            }
            await state.setUser(u)
            return Self.ok()
        }
        let deleteUsers: @Sendable (Request, EmulatorContext) async throws -> Response = { request, context in
            guard await self.orgMatches(context) else { return Self.invalid("Organization not found", code: 404) }
            let body = try await request.collectedBody(context)
            guard let req = try? JSONDecoder().decode(ZohoDeleteUsers.self, from: Data(body.readableBytesView)) else {
                return Self.invalid("accountList or emailList is required")
            }
            var zuids = (req.accountList ?? []).compactMap { Int64($0.value) }
            for e in req.emailList ?? [] {
                if let u = await state.users.values.first(where: { $0.address == e.lowercased() }) { zuids.append(u.zuid) }
            }
            var removed = 0
            for z in zuids where await state.removeUser(zuid: z) { removed += 1 }
            return removed > 0 ? Self.ok() : Self.invalid("User not found", code: 404)
        }
        api.delete("organization/:zoid/accounts", use: deleteUsers)
        api.delete("organization/:zoid/accounts/:account", use: deleteUsers)
    }
}

/// `Authorization: Zoho-oauthtoken <token>` (not Bearer, §2.1). Missing, unknown or
/// expired tokens get 401 with `INVALID_OAUTHTOKEN`.
struct ZohoAuth: RouterMiddleware {
    typealias Context = EmulatorContext
    let state: ZohoEmulatorState

    func handle(_ request: Request, context: EmulatorContext,
                next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        let prefix = "Zoho-oauthtoken "
        guard header.hasPrefix(prefix), await state.tokenValid(String(header.dropFirst(prefix.count))) else {
            return ZohoRoutes.envelope(code: 401, description: "Invalid Input",
                                       data: ["errorCode": "INVALID_OAUTHTOKEN", "error": "INVALID_OAUTHTOKEN", "moreInfo": "Invalid OAuth token"])
        }
        return try await next(request, context)
    }
}
