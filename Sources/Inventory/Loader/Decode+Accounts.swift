import DNSRecords
extension FileDecoder {
    static let accountKeys: [AccountKind: [String]] = [
        .porkbun: ["api_key", "secret_key"],
        .namecheap: ["api_user", "username", "api_key", "client_ip"],
        .mailgun: ["region", "api_key", "webhook_signing_key", "smtp_password_secret"],
        .zoho: ["region", "client_id", "client_secret", "refresh_token", "org_id", "imap_endpoint", "imap_ca_file"],
    ]
    static let kindChoices = AccountKind.allCases.map { ($0.rawValue, $0) }

    func accounts(_ node: YAMLNode, path: String) {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: nil, what: "a mapping of account names to accounts") else { return }
        for name in m.orderedKeys {
            let keyNode = m.keyNode(name)!
            let p = m.child(name)
            if let problem = NameRules.identifierProblem(name) {
                ctx.error(keyNode, p, "account name '\(DecodeContext.clip(name))' \(problem)")
                continue
            }
            guard let value = m.required(name) else { out.brokenAccounts.insert(name); continue }
            if let a = account(name, value, keyNode: keyNode, path: p) { out.accounts.append(a) } else { out.brokenAccounts.insert(name) }
        }
    }

    private func account(_ name: String, _ node: YAMLNode, keyNode: YAMLNode, path: String) -> Account? {
        guard case .mapping = node.value else {
            ctx.error(node, path, "expected a mapping, found \(node.kindName)")
            return nil
        }
        // Peek at `kind` first: the allowed keys depend on it.
        var kind: AccountKind?
        var kindKnown = true
        if let peek = MappingReader(node, path: path, ctx: DecodeContext(file: ctx.file), allowed: nil), let k = peek.optional("kind") {
            kind = ctx.word(k, FieldPath.key(path, "kind"), Self.kindChoices, what: "account kind")
            kindKnown = kind != nil
        } else if let k = AccountKind(rawValue: name) {
            kind = k
        }
        let common = ["kind", "endpoint"]
        let allowed = kind.map { common + Self.accountKeys[$0]! } ?? common + Set(Self.accountKeys.values.joined()).sorted()
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: allowed) else { return nil }
        guard let kind else {
            if kindKnown { ctx.error(node, m.child("kind"), "missing required key 'kind' (porkbun, namecheap, mailgun or zoho)") }
            return nil
        }
        var endpoint: String?
        if let e = m.optional("endpoint"), let s = ctx.nonEmptyString(e, m.child("endpoint")) {
            if NameRules.isHTTPURL(s) { endpoint = s } else { ctx.error(e, m.child("endpoint"), "'\(DecodeContext.clip(s))' is not an http(s) URL") }
        }
        func secret(_ key: String) -> SecretRef? { m.required(key).flatMap { ctx.secret($0, m.child(key)) } }
        func optionalSecret(_ key: String) -> SecretRef? { m.optional(key).flatMap { ctx.secret($0, m.child(key)) } }

        let settings: AccountSettings?
        switch kind {
        case .porkbun:
            let a = secret("api_key"), s = secret("secret_key")
            settings = a.flatMap { a in s.map { .porkbun(PorkbunAccount(apiKey: a, secretKey: $0)) } }
        case .namecheap:
            let user = m.required("api_user").flatMap { ctx.nonEmptyString($0, m.child("api_user")) }
            let username = m.optional("username").flatMap { ctx.nonEmptyString($0, m.child("username")) }
            let key = secret("api_key")
            var ip: String?
            if let n = m.required("client_ip"), let s = ctx.nonEmptyString(n, m.child("client_ip")) {
                // registrars.md B: ClientIp is IPv4 only and must be whitelisted.
                if NameRules.isIPv4(s) { ip = s } else { ctx.error(n, m.child("client_ip"), "'\(DecodeContext.clip(s))' is not an IPv4 address (Namecheap accepts IPv4 only)") }
            }
            if let user, let key, let ip {
                settings = .namecheap(NamecheapAccount(apiUser: user, username: username ?? user, apiKey: key, clientIP: ip))
            } else { settings = nil }
        case .mailgun:
            let region = m.required("region").flatMap { ctx.word($0, m.child("region"), MailgunRegion.allCases.map { ($0.rawValue, $0) }, what: "mailgun region") }
            let key = secret("api_key")
            let signing = optionalSecret("webhook_signing_key"), smtp = optionalSecret("smtp_password_secret")
            if let region, let key {
                settings = .mailgun(MailgunAccount(region: region, apiKey: key, webhookSigningKey: signing, smtpPasswordSecret: smtp))
            } else { settings = nil }
        case .zoho:
            let region = m.required("region").flatMap { ctx.word($0, m.child("region"), ZohoRegion.allCases.map { ($0.rawValue, $0) }, what: "zoho region") }
            let id = secret("client_id"), sec = secret("client_secret"), tok = secret("refresh_token")
            let org = m.required("org_id").flatMap { ctx.nonEmptyString($0, m.child("org_id")) }
            var imap: String?
            if let n = m.optional("imap_endpoint"), let s = ctx.nonEmptyString(n, m.child("imap_endpoint")) {
                // Replies are read over TLS only: no plaintext IMAP, whatever the server offers.
                if NameRules.isIMAPSURL(s) { imap = s } else {
                    ctx.error(n, m.child("imap_endpoint"), "'\(DecodeContext.clip(s))' is not an imaps://HOST:PORT URL")
                }
            }
            let ca = m.optional("imap_ca_file").flatMap { ctx.nonEmptyString($0, m.child("imap_ca_file")) }
            if let region, let id, let sec, let tok, let org {
                settings = .zoho(ZohoAccount(region: region, clientID: id, clientSecret: sec, refreshToken: tok, orgID: org,
                                             imapEndpoint: imap, imapCAFile: ca))
            } else { settings = nil }
        }
        return settings.map { Account(name: name, settings: $0, endpoint: endpoint, location: ctx.location(keyNode)) }
    }
}
