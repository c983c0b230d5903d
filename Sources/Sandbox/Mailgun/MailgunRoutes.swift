import DNSRecords
import Foundation
import Hummingbird
import NIOCore
import Providers

/// The Mailgun emulator's HTTP surface (mail-platforms.md §1). Answers follow the
/// recordings where they differ from the docs (flat route update, generated
/// password on credential update without one, "will be deleted in the background").
struct MailgunRoutes: Sendable {
    let state: MailgunEmulatorState
    let apiKey: String
    let signingKey: String
    let region: MailgunRegion
    let sendThrottles: Locked<[Int]>

    static let traits = EmulatorTraits(
        endpoint: { request, _ in "\(request.method.rawValue) \(MailgunRoutes.endpointName(request.uri.path))" },
        rateKey: { _, _, _ in "account" },
        // Domains/Webhooks API throttle body (§1.3, legacy docs).
        throttled: { MailReply.object(["retry-seconds": 60], status: 429) },
        unavailable: { MailReply.text(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", contentType: "text/html") })

    /// Path with names and ids replaced, for the request counters.
    static func endpointName(_ path: String) -> String {
        "/" + path.split(separator: "/").map { p in
            p.contains(".") || p.contains("@") || (p.count >= 20 && p.allSatisfy(\.isHexDigit)) ? ":id" : String(p)
        }.joined(separator: "/")
    }

    func router(gate: EmulatorGate) -> Router<EmulatorContext> {
        let router = Router(context: EmulatorContext.self)
        router.add(middleware: gate)
        router.add(middleware: MailgunAuth(apiKey: apiKey))
        addDomains(router)
        addCredentials(router)
        addWebhooks(router)
        addRoutes(router)
        addSuppressions(router)
        addMessages(router)
        return router
    }

    static func param(_ context: EmulatorContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func domainNotFound(_ name: String) -> Response { MailReply.message("Domain not found", status: 404) }

    func domainBody(_ s: MailgunEmulatorState.DomainState, message: String?) -> MailgunDomainResponse {
        MailgunDomainResponse(message: message, domain: s.domain, receivingDNSRecords: s.records.receiving,
                              sendingDNSRecords: s.records.sending)
    }

    // MARK: domains (§1.4)

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
            guard let name = f["name"], !name.isEmpty else { return MailReply.message("Missing parameter 'name'", status: 400) }
            if await state.domain(name) != nil { return MailReply.message("This domain name is already taken", status: 400) }
            if let sel = f["dkim_selector"], sel.isEmpty || !sel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                return MailReply.message("dkim_selector must be a valid RFC 2822 atom", status: 400)
            }
            let bits = Int(f["dkim_key_size"] ?? "2048") ?? 0
            guard bits == 1024 || bits == 2048 else { return MailReply.message("dkim_key_size must be 1024 or 2048", status: 400) }
            if let p = f["smtp_password"], p.count < 5 || p.count > 32 {
                return MailReply.message("Password is too short. It must be between 5 and 32 characters.", status: 400)
            }
            let pub = try await DKIMKeyMaker.publicKeyBase64(bits: bits)
            guard let s = await state.createDomain(name: name, selector: f["dkim_selector"], publicKey: pub,
                                                   spamAction: f["spam_action"] ?? "disabled", webPrefix: f["web_prefix"] ?? "email",
                                                   webScheme: f["web_scheme"] ?? "http", wildcard: f["wildcard"] == "true", now: Date())
            else { return MailReply.message("This domain name is already taken", status: 400) }
            return MailReply.json(self.domainBody(s, message: "Domain DNS records have been created"))
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

    // MARK: credentials (§1.7)

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

    // MARK: webhooks (§1.9)

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

    // MARK: routes (§1.13)

    static func validExpression(_ e: String) -> Bool {
        let t = e.trimmingCharacters(in: .whitespaces)
        return t == "catch_all()" || t.hasPrefix("match_recipient(") || t.hasPrefix("match_header(")
    }

    static func validAction(_ a: String) -> Bool {
        a == "stop()" || a.hasPrefix("forward(") || a.hasPrefix("store(")
    }

    func addRoutes(_ router: Router<EmulatorContext>) {
        let state = self.state
        router.get("/v3/routes") { request, _ in
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 100, 1000), skip = Int(q["skip"] ?? "") ?? 0
            let all = await state.routes
            return MailReply.json(MailgunRouteList(totalCount: all.count, items: Array(all.dropFirst(skip).prefix(limit))))
        }
        router.get("/v3/routes/:id") { _, context in
            let id = Self.param(context, "id")
            guard let r = await state.routes.first(where: { $0.id == id }) else { return MailReply.message("Route not found", status: 404) }
            return MailReply.json(MailgunRouteResponse(message: nil, route: r))
        }
        router.post("/v3/routes") { request, context in
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            guard let expr = f["expression"], Self.validExpression(expr) else {
                return MailReply.message("Invalid expression", status: 400)
            }
            let actions = f.all("action")
            guard !actions.isEmpty, actions.allSatisfy(Self.validAction) else { return MailReply.message("Invalid action", status: 400) }
            let route = MailgunRoute(id: await state.nextID(), priority: Int(f["priority"] ?? "0") ?? 0,
                                     description: f["description"] ?? "", expression: expr, actions: actions,
                                     createdAt: MailReply.rfc2822(Date()))
            await state.addRoute(route)
            return MailReply.json(MailgunRouteResponse(message: "Route has been created", route: route))
        }
        router.put("/v3/routes/:id") { request, context in
            let id = Self.param(context, "id")
            guard var r = await state.routes.first(where: { $0.id == id }) else { return MailReply.message("Route not found", status: 404) }
            let f = MailFormFields.parse(request, body: try await request.collectedBody(context))
            if let e = f["expression"] {
                guard Self.validExpression(e) else { return MailReply.message("Invalid expression", status: 400) }
                r.expression = e
            }
            if f.has("action") {
                let actions = f.all("action")
                guard actions.allSatisfy(Self.validAction) else { return MailReply.message("Invalid action", status: 400) }
                r.actions = actions
            }
            if let p = f["priority"] { r.priority = Int(p) ?? r.priority }
            if let d = f["description"] { r.description = d }
            await state.replaceRoute(r)
            // Recorded shape: the route fields flat, plus `message`.
            return MailReply.object(["id": r.id, "priority": r.priority, "description": r.description, "expression": r.expression,
                                     "actions": r.actions, "created_at": r.createdAt ?? "", "message": "Route has been updated"])
        }
        router.delete("/v3/routes/:id") { _, context in
            let id = Self.param(context, "id")
            guard await state.deleteRoute(id) else { return MailReply.message("Route not found", status: 404) }
            return MailReply.object(["id": id, "message": "Route has been deleted"])
        }
    }

    // MARK: suppressions (§1.12)

    static let notFoundText: [MailgunSuppressionList: String] = [
        .bounces: "Address not found in bounces table",
        .unsubscribes: "Address not found in unsubscribers table",
        .complaints: "No spam complaints found for this address",
    ]
    static let removedText: [MailgunSuppressionList: String] = [
        .bounces: "Bounced address has been removed",
        .complaints: "Spam complaint has been removed",
        .unsubscribes: "Unsubscribe event has been removed",
    ]

    func addSuppressions(_ router: Router<EmulatorContext>) {
        let state = self.state
        for list in MailgunSuppressionList.allCases {
            router.get("/v3/:name/\(list.rawValue)") { request, context in
                let name = Self.param(context, "name")
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                let q = MailFormFields.parse(request, body: ByteBuffer())
                let limit = min(Int(q["limit"] ?? "") ?? 100, 1000)
                var items = (s.suppressions[list] ?? [:]).values.sorted { $0.address.lowercased() < $1.address.lowercased() }
                if q["page"] == "next", let after = q["address"]?.lowercased() { items = items.filter { $0.address.lowercased() > after } }
                let page = Array(items.prefix(limit))
                let base = "http://\(request.head.authority ?? "127.0.0.1")/v3/\(name)/\(list.rawValue)"
                let last = page.last.map { "\(base)?page=next&address=\(MailgunForm.escape($0.address))&limit=\(limit)" } ?? "\(base)?page=next&limit=\(limit)"
                return MailReply.json(MailgunSuppressionPage(items: page, paging: MailgunPaging(
                    first: "\(base)?page=first&limit=\(limit)", last: "\(base)?page=last&limit=\(limit)",
                    next: last, previous: "\(base)?page=prev&limit=\(limit)")))
            }
            router.get("/v3/:name/\(list.rawValue)/:address") { _, context in
                let name = Self.param(context, "name"), address = Self.param(context, "address").lowercased()
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                guard let item = s.suppressions[list]?[address] else { return MailReply.message(Self.notFoundText[list]!, status: 404) }
                return MailReply.json(item)
            }
            router.post("/v3/:name/\(list.rawValue)") { request, context in
                let name = Self.param(context, "name")
                guard await state.domain(name) != nil else { return MailReply.message("Domain not found: \(name)", status: 404) }
                let body = try await request.collectedBody(context)
                var items: [MailgunSuppression] = []
                if (request.headers[.contentType] ?? "").contains("json") {
                    guard let batch = try? JSONDecoder().decode([MailgunSuppression].self, from: Data(body.readableBytesView)) else {
                        return MailReply.message("Invalid JSON", status: 400)
                    }
                    if batch.count > 1000 { return MailReply.message("Batch size should be less than 1000", status: 400) }
                    items = batch
                } else {
                    let f = MailFormFields.parse(request, body: body)
                    guard let a = f["address"], a.contains("@") else { return MailReply.message("'address' parameter is not a valid address", status: 400) }
                    let tags = f.all("tag") + f.all("tags")
                    items = [MailgunSuppression(address: a, code: list == .bounces ? LooseString(f["code"] ?? "550") : nil,
                                                error: list == .bounces ? (f["error"] ?? "") : nil,
                                                tags: list == .unsubscribes ? (tags.isEmpty ? ["*"] : tags) : nil,
                                                createdAt: MailReply.rfc2822(Date(), zone: "UTC"))]
                }
                await state.update(name) { s in
                    for i in items { s.suppressions[list, default: [:]][i.address.lowercased()] = i }
                }
                if items.count == 1 {
                    return MailReply.json(MailgunSuppressionWriteResponse(message: "Address has been added to the \(list.rawValue) table",
                                                                          address: items[0].address))
                }
                return MailReply.message("\(items.count) addresses have been added to the \(list.rawValue) table", status: 200)
            }
            router.delete("/v3/:name/\(list.rawValue)/:address") { _, context in
                let name = Self.param(context, "name"), address = Self.param(context, "address")
                guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
                guard s.suppressions[list]?[address.lowercased()] != nil else { return MailReply.message(Self.notFoundText[list]!, status: 404) }
                await state.update(name) { $0.suppressions[list]?[address.lowercased()] = nil }
                return MailReply.json(MailgunSuppressionWriteResponse(message: Self.removedText[list]!, address: address))
            }
        }
    }

    // MARK: messages and events (§1.14, §1.11)

    func addMessages(_ router: Router<EmulatorContext>) {
        let state = self.state
        let throttles = self.sendThrottles
        router.post("/v3/:name/messages") { request, context in
            let name = Self.param(context, "name")
            let pending: Int? = throttles.withValue { $0.isEmpty ? nil : $0.removeFirst() }
            if let status = pending {
                return MailReply.message("Domain \(name) is not allowed to send: account-requests-per-sec limit exceeded, try again after 1 seconds",
                                         status: status)
            }
            guard let s = await state.domain(name) else { return MailReply.message("Domain not found: \(name)", status: 404) }
            let body = try await request.collectedBody(context)
            let f = MailFormFields.parse(request, body: body)
            guard f["from"] != nil else { return MailReply.message("from parameter is missing", status: 400) }
            let to = f.all("to").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard !to.isEmpty else { return MailReply.message("to parameter is missing", status: 400) }
            guard f["text"] != nil || f["html"] != nil else {
                return MailReply.message("Need at least one of 'text' or 'html' parameters specified", status: 400)
            }
            if to.count > 1000 { return MailReply.message("Too many recipients, max is 1000", status: 400) }
            if to.contains(where: { !Self.plausibleAddress($0) }) {
                return MailReply.message("to parameter is not a valid address. please check documentation", status: 400)
            }
            let options = f.pairs.filter { $0.0.hasPrefix("o:") || $0.0.hasPrefix("h:") || $0.0.hasPrefix("v:") }
            if options.reduce(0, { $0 + $1.0.utf8.count + $1.1.utf8.count }) > 16 * 1024 {
                return MailReply.message("Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total", status: 400)
            }
            guard s.domain.isActive else {
                return MailReply.message("Domain \(name) is not allowed to send: domain is not verified", status: 403)
            }
            let n = DomainName.normalize(name)
            let bare = "\(Int(Date().timeIntervalSince1970)).\(await state.nextID())@\(n)"
            var headers: [String: String] = [:], variables: [String: String] = [:]
            for (k, v) in f.pairs {
                if k.hasPrefix("h:") { headers[String(k.dropFirst(2))] = v }
                if k.hasPrefix("v:") { variables[String(k.dropFirst(2))] = v }
            }
            let tags = Array(f.all("o:tag").prefix(3))
            await state.record(.init(id: "<\(bare)>", domain: n, fields: f.pairs, recipients: to, tags: tags,
                                     headers: headers, variables: variables))
            let now = Date().timeIntervalSince1970
            for r in to {
                let suppressed = s.suppressions[.bounces]?[r.lowercased()] != nil || s.suppressions[.complaints]?[r.lowercased()] != nil
                    || s.suppressions[.unsubscribes]?[r.lowercased()] != nil
                let msg = MailgunEvent.Message(headers: .init(to: r, from: f["from"], subject: f["subject"], messageID: bare))
                let vars = MailgunUserVariables.values(variables.mapValues { .string($0) })
                await state.addEvent(MailgunEvent(event: "accepted", id: await state.nextID(), timestamp: now, logLevel: "info",
                                                  recipient: r, tags: tags, userVariables: vars, message: msg), domain: n)
                let outcome: MailgunEvent
                if suppressed {
                    let reason = s.suppressions[.bounces]?[r.lowercased()] != nil ? "suppress-bounce"
                        : s.suppressions[.complaints]?[r.lowercased()] != nil ? "suppress-complaint" : "suppress-unsubscribe"
                    let code = reason == "suppress-bounce" ? 605 : reason == "suppress-complaint" ? 607 : 606
                    outcome = MailgunEvent(event: "failed", id: await state.nextID(), timestamp: now + 0.5, logLevel: "error",
                                           severity: "permanent", reason: reason, recipient: r, tags: tags, userVariables: vars,
                                           message: msg, deliveryStatus: .init(code: code, message: "Not delivering to suppressed address"))
                } else {
                    outcome = MailgunEvent(event: "delivered", id: await state.nextID(), timestamp: now + 0.5, logLevel: "info",
                                           recipient: r, tags: tags, userVariables: vars, message: msg,
                                           deliveryStatus: .init(code: 250, message: "OK"))
                }
                await state.addEvent(outcome, domain: n)
            }
            return MailReply.json(MailgunSendResponse(id: "<\(bare)>", message: "Queued. Thank you."))
        }
        router.get("/v3/:name/events") { request, context in
            let name = Self.param(context, "name")
            guard await state.domain(name) != nil else { return MailReply.message("Domain not found: \(name)", status: 404) }
            let q = MailFormFields.parse(request, body: ByteBuffer())
            let limit = min(Int(q["limit"] ?? "") ?? 300, 300)
            var items = await state.events(of: name)
            if let mid = q["message-id"] {
                let bare = MailgunMessageID.bare(mid)
                items = items.filter { $0.message?.headers?.messageID == bare }
            }
            if let e = q["event"] { items = items.filter { $0.event == e } }
            if let r = q["recipient"] { items = items.filter { $0.recipient?.lowercased() == r.lowercased() } }
            let skip = Int(q["skip"] ?? "") ?? 0
            let page = Array(items.dropFirst(skip).prefix(limit))
            var nextQuery = q.pairs.filter { $0.0 != "skip" }.map { "\(MailgunForm.escape($0.0))=\(MailgunForm.escape($0.1))" }
            nextQuery.append("skip=\(skip + page.count)")
            let base = "http://\(request.head.authority ?? "127.0.0.1")/v3/\(name)/events"
            // `next` is always present, even when pointless (§1.11): clients stop on an empty page.
            return MailReply.json(MailgunEventPage(items: page, paging: MailgunPaging(
                first: base, last: base, next: "\(base)?\(nextQuery.joined(separator: "&"))", previous: base)))
        }
    }

    static func plausibleAddress(_ a: String) -> Bool {
        var s = a
        if let lt = s.firstIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt { s = String(s[s.index(after: lt)..<gt]) }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !s.contains(" ")
    }
}

/// HTTP Basic `api:KEY` (§1.1). A bad key gets the plain-text `Forbidden` on
/// `/messages` (recorded) and `{"message": "Invalid private key"}` elsewhere (documented).
/// Unknown paths get an HTML 404 page, as recorded for `/v3/lists/`.
struct MailgunAuth: RouterMiddleware {
    typealias Context = EmulatorContext
    let apiKey: String

    func handle(_ request: Request, context: EmulatorContext,
                next: (Request, EmulatorContext) async throws -> Response) async throws -> Response {
        let expected = "Basic " + Data("api:\(apiKey)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            if request.uri.path.hasSuffix("/messages") { return MailReply.text(401, "Forbidden") }
            return MailReply.message("Invalid private key", status: 401)
        }
        do {
            return try await next(request, context)
        } catch let e as HTTPError where e.status == .notFound {
            return MailReply.text(404, "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
                                  contentType: "text/html; charset=utf-8")
        }
    }
}
