import DNSRecords
extension FileDecoder {
    static let accountKeys: [AccountKind: [String]] = [
        .porkbun: ["api_key", "secret_key"],
        .namecheap: ["api_user", "username", "api_key", "client_ip"],
        .mailgun: ["region", "api_key", "webhook_signing_key", "smtp_password_secret", "smtp_endpoint", "smtp_ca_file"],
        .zoho: ["region", "client_id", "client_secret", "refresh_token", "org_id", "imap_endpoint", "imap_ca_file", "smtp_endpoint", "smtp_ca_file"],
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
            let (smtpEndpoint, caFile) = endpointOverride(m, "smtp", provider: "Mailgun", NameRules.smtpEndpointProblem)
            if let region, let key {
                settings = .mailgun(MailgunAccount(region: region, apiKey: key, webhookSigningKey: signing, smtpPasswordSecret: smtp,
                                                   smtpEndpoint: smtpEndpoint, smtpCAFile: caFile))
            } else { settings = nil }
        case .zoho:
            let region = m.required("region").flatMap { ctx.word($0, m.child("region"), ZohoRegion.allCases.map { ($0.rawValue, $0) }, what: "zoho region") }
            let id = secret("client_id"), sec = secret("client_secret"), tok = secret("refresh_token")
            let org = m.required("org_id").flatMap { ctx.nonEmptyString($0, m.child("org_id")) }
            // Replies are read over TLS only: no plaintext IMAP, whatever the server offers.
            let (imap, ca) = endpointOverride(m, "imap", provider: "Zoho") { NameRules.isIMAPSURL($0) ? nil : "is not an imaps://HOST:PORT URL" }
            // Where the probes log in over SMTP (as a sequencer would), like a Mailgun pool's `smtp_endpoint`.
            let (smtp, smtpCA) = endpointOverride(m, "smtp", provider: "Zoho") { NameRules.smtpEndpointProblem($0, example: "Zoho: smtps 465, smtp 587") }
            if let region, let id, let sec, let tok, let org {
                settings = .zoho(ZohoAccount(region: region, clientID: id, clientSecret: sec, refreshToken: tok, orgID: org,
                                             imapEndpoint: imap, imapCAFile: ca, smtpEndpoint: smtp, smtpCAFile: smtpCA))
            } else { settings = nil }
        }
        return settings.map { Account(name: name, settings: $0, endpoint: endpoint, location: ctx.location(keyNode)) }
    }

    /// `<proto>_endpoint` (checked by `problem`, nil when fine) and
    /// `<proto>_ca_file`, which only makes sense with the endpoint.
    private func endpointOverride(_ m: MappingReader, _ proto: String, provider: String,
                                  _ problem: (String) -> String?) -> (endpoint: String?, caFile: String?) {
        let key = "\(proto)_endpoint", caKey = "\(proto)_ca_file"
        var endpoint: String?
        if let e = m.optional(key), let s = ctx.nonEmptyString(e, m.child(key)) {
            if let p = problem(s) { ctx.error(e, m.child(key), "'\(DecodeContext.clip(s))' \(p)") } else { endpoint = s }
        }
        let caFile = m.optional(caKey).flatMap { ctx.nonEmptyString($0, m.child(caKey)) }
        if caFile != nil, m.optional(key) == nil {
            ctx.error(m.optional(caKey)!, m.child(caKey), "only with \(key) (\(provider)'s own hosts carry publicly trusted certificates)")
        }
        return (endpoint, caFile)
    }
}
