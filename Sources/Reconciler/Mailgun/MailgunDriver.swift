import DNSRecords
import Inventory
import Providers

/// Mailgun actions: domains (create, delete, verify), SMTP credentials,
/// webhooks and routes. The client comes from the action's `account`
/// attribute. A route create first reads, so re-running a step whose
/// outcome was lost never duplicates (routes are not idempotent at Mailgun,
/// §1.13). Domains, credentials and webhooks are written straight from what
/// the plan observed (issue #13 §2: no read per write); Mailgun refuses a
/// second domain, credential or webhook of the same name, and only such a
/// refusal or an unknown outcome costs a read. A write that may have happened
/// surfaces as `OutcomeUnknown` for the executor to re-read with `probe`.
public struct MailgunDriver: PerActionDriver {
    public var clients: [String: MailgunClient]
    /// Resolves an `env:NAME` reference's NAME; values never leave this driver.
    public var secret: @Sendable (String) -> String?

    public init(clients: [String: MailgunClient], secret: @escaping @Sendable (String) -> String?) {
        self.clients = clients
        self.secret = secret
    }

    public func perform(_ a: PlanAction) async throws -> StepResult {
        let client = try self.client(a)
        let d = a.address.domain
        switch (a.address.kind, a.operation) {
        case (_, .wait):
            return .pending(a.note ?? "waiting")
        case (.mailgunDomain, .create):
            // No read first: the plan saw no such domain, and a create Mailgun
            // refuses ("already taken") is read below.
            let spec = MailgunDomainSpec(name: d, dkimKeySize: a.after?[MailState.dkimKeySize].flatMap(Self.int) ?? 2048,
                                         dkimSelector: Self.string(a.after?[MailState.dkimSelector]),
                                         webPrefix: Self.string(a.after?[MailState.webPrefix]))
            do {
                let created = try await MailOutcome.map { try await client.createDomain(spec) }
                return .done(outputs: Self.outputs(created, a))
            } catch let e as ProviderError where e.kind == .invalidRequest && e.message.lowercased().contains("already taken") {
                // Taken by an earlier attempt of ours, or held elsewhere: only the former is ours.
                guard let now = try await MailOutcome.map({ try await Self.domain(d, client) }) else { throw e }
                return .done(outputs: Self.outputs(now, a))
            }
        case (.mailgunDomain, .delete):
            try await MailOutcome.map { _ = try await client.deleteDomain(d) }
            return .done(outputs: [:])
        case (.mailgunDomain, .verify):
            let v = try await MailOutcome.map { try await client.verifyDomain(d) }
            if v.isActive { return .done(outputs: [:]) }
            let missing = v.invalidRecords.map { "\($0.recordType) \($0.name ?? d)" }.joined(separator: ", ")
            return .pending("Mailgun does not see valid DNS yet (\(missing.isEmpty ? "state \(v.response.domain.state)" : missing))")
        case (.mailgunDomain, .update):
            throw MailDriverError("\(a.id): Mailgun's DKIM selector of an existing domain is not changed by reconcile; "
                                  + "change it at Mailgun (PUT /v3/domains/\(d)/dkim_selector) or in the inventory")
        case (.mailgunCredential, .create), (.mailgunCredential, .update):
            let login = a.address.identity
            let password = try self.password(for: login, a)
            do {
                try await MailOutcome.map {
                    try await Self.writeCredential(d, login: login, password: password, exists: a.before != nil, client)
                }
            } catch let e as OutcomeUnknown {
                throw OutcomeUnknown(Self.redact(e.description, password))
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw MailDriverError(Self.redact(String(describing: error), password))
            }
            return .done(outputs: [MailOutput.passwordVersion: String(Self.version(a))])
        case (.mailgunCredential, .delete):
            try await MailOutcome.map { _ = try await client.deleteCredential(d, login: a.address.identity) }
            return .done(outputs: [:])
        case (.mailgunWebhook, .create), (.mailgunWebhook, .update):
            let (type, urls) = try Self.webhook(a)
            try await MailOutcome.map { try await Self.writeWebhook(d, type: type, urls: urls, configured: a.before != nil, client) }
            return .done(outputs: [:])
        case (.mailgunWebhook, .delete):
            let (type, _) = try Self.webhook(a)
            try await MailOutcome.map { _ = try await client.deleteWebhook(d, type: type) }
            return .done(outputs: [:])
        case (.mailgunRoute, .create), (.mailgunRoute, .update):
            let spec = try Self.route(a)
            let route = try await MailOutcome.map { () async throws -> MailgunRoute in
                let matching = try await client.allRoutes().filter { $0.description == spec.description }
                    .sorted { ($0.createdAt ?? "", $0.id) < ($1.createdAt ?? "", $1.id) }
                guard let keep = matching.first else { return try await client.createRoute(spec) }
                for extra in matching.dropFirst() { try await client.deleteRoute(extra.id) }
                return spec.matches(keep) ? keep : try await client.updateRoute(keep.id, spec)
            }
            return .done(outputs: ["route.id": route.id])
        case (.mailgunRoute, .delete):
            let description = a.address.identity
            try await MailOutcome.map {
                for r in try await client.allRoutes() where r.description == description { try await client.deleteRoute(r.id) }
            }
            return .done(outputs: [:])
        default:
            throw DriverError.unsupported(a.id)
        }
    }

    public func probe(_ a: PlanAction) async throws -> ProbeResult {
        let client = try self.client(a)
        let d = a.address.domain
        func applied(_ yes: Bool, _ outputs: [String: String] = [:]) -> ProbeResult { yes ? .applied(outputs: outputs) : .notApplied }
        switch (a.address.kind, a.operation) {
        case (_, .wait):
            return .notApplied
        case (.mailgunDomain, .create):
            guard let r = try await Self.domain(d, client) else { return .notApplied }
            return .applied(outputs: Self.outputs(r, a))
        case (.mailgunDomain, .delete):
            return applied(try await Self.domain(d, client) == nil)
        case (.mailgunDomain, .verify):
            return applied(try await Self.domain(d, client)?.domain.isActive == true)
        case (.mailgunDomain, .update):
            return .notApplied
        case (.mailgunCredential, .create):
            let logins = try await client.listCredentials(d).map { $0.login.lowercased() }
            return applied(logins.contains(a.address.identity), [MailOutput.passwordVersion: String(Self.version(a))])
        case (.mailgunCredential, .update):
            // A password change cannot be read back; repeating it is harmless (idempotent PUT).
            return .notApplied
        case (.mailgunCredential, .delete):
            return applied(!(try await client.listCredentials(d).map { $0.login.lowercased() }.contains(a.address.identity)))
        case (.mailgunWebhook, .create), (.mailgunWebhook, .update):
            let (type, urls) = try Self.webhook(a)
            return applied(try await client.listWebhooks(d)[type.rawValue] == urls)
        case (.mailgunWebhook, .delete):
            let (type, _) = try Self.webhook(a)
            return applied(try await client.listWebhooks(d)[type.rawValue] == nil)
        case (.mailgunRoute, .create), (.mailgunRoute, .update):
            let spec = try Self.route(a)
            let matching = try await client.allRoutes().filter { $0.description == spec.description }
            return applied(matching.count == 1 && spec.matches(matching[0]), matching.first.map { ["route.id": $0.id] } ?? [:])
        case (.mailgunRoute, .delete):
            return applied(!(try await client.allRoutes().contains { $0.description == a.address.identity }))
        default:
            throw DriverError.unsupported(a.id)
        }
    }

    // MARK: helpers

    /// Creates the login when the plan saw none, else sets its password. A
    /// refused create (the login appeared since the plan) or one whose
    /// outcome is unknown is re-read: present means set the password
    /// (idempotent), absent means the error stands.
    static func writeCredential(_ d: String, login: String, password: String, exists: Bool,
                                _ client: MailgunClient) async throws(ProviderError) {
        if exists {
            do throws(ProviderError) { try await client.changePassword(d, login: login, password: password); return }
            catch where error.kind == .notFound { /* deleted since the plan: create it */ }
        }
        do throws(ProviderError) {
            try await client.createCredential(d, login: login, password: password)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            guard try await client.listCredentials(d).contains(where: { $0.login.lowercased() == login }) else { throw error }
            try await client.changePassword(d, login: login, password: password)
        }
    }

    /// POST when the plan saw the type unconfigured, PUT when configured (§1.9:
    /// a v3 POST on an existing type is unverified, so it is never relied on).
    /// As with credentials, only a refused or unknown create is re-read.
    static func writeWebhook(_ d: String, type: MailgunWebhookType, urls: [String], configured: Bool,
                             _ client: MailgunClient) async throws(ProviderError) {
        if configured {
            do throws(ProviderError) { _ = try await client.updateWebhook(d, type: type, urls: urls); return }
            catch where error.kind == .notFound { /* deleted since the plan: create it */ }
        }
        do throws(ProviderError) {
            _ = try await client.createWebhook(d, type: type, urls: urls)
        } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
            guard let now = try await client.listWebhooks(d)[type.rawValue] else { throw error }
            if now != urls { _ = try await client.updateWebhook(d, type: type, urls: urls) }
        }
    }

    func client(_ a: PlanAction) throws -> MailgunClient {
        let state = a.after ?? a.before
        guard let account = Self.string(state?[MailState.account]) else { throw MailDriverError("\(a.id) names no mailgun account") }
        guard let c = clients[account] else { throw MailDriverError("no mailgun account \"\(account)\" configured") }
        if let region = Self.string(state?[MailState.region]), region != c.region.rawValue {
            throw MailDriverError("mailgun account \"\(account)\" is configured for region \(c.region.rawValue), the plan says \(region)")
        }
        return c
    }

    /// The derived SMTP password (SMTPPasswordDeriver): computed here, at
    /// apply time, from the master secret; never returned or logged.
    func password(for login: String, _ a: PlanAction) throws -> String {
        guard case .string(let ref)? = a.after?[MailState.passwordSecret], ref.hasPrefix("env:") else {
            throw MailDriverError("\(a.id) names no password secret")
        }
        let name = String(ref.dropFirst(4))
        guard let master = secret(name), !master.isEmpty else {
            throw MailDriverError("the SMTP master secret env:\(name) is not set")
        }
        return SMTPPasswordDeriver(masterSecret: master).password(for: login, version: Self.version(a))
    }

    static func version(_ a: PlanAction) -> Int {
        a.after?[MailState.passwordVersion].flatMap(int) ?? SMTPPasswordDeriver.currentVersion
    }

    static func domain(_ d: String, _ client: MailgunClient) async throws -> MailgunDomainResponse? {
        do throws(ProviderError) { return try await client.getDomain(d) } catch where error.kind == .notFound { return nil }
    }

    static func outputs(_ r: MailgunDomainResponse, _ a: PlanAction) -> [String: String] {
        let wanted = string(a.after?[MailState.dkimSelector]) ?? DesiredMailgunDomain.defaultDKIMSelector
        guard let dkim = MailgunDKIM.pick(r, selector: wanted) else { return [:] }
        return [MailOutput.dkimValue: dkim.value]
    }

    static func webhook(_ a: PlanAction) throws -> (MailgunWebhookType, [String]) {
        guard let type = MailgunWebhookType(rawValue: a.address.identity) else {
            throw MailDriverError("\(a.id): \(a.address.identity) is not a Mailgun webhook type")
        }
        let urls = string(a.after?[MailState.url])?.split(separator: ",").map(String.init) ?? []
        return (type, urls)
    }

    static func route(_ a: PlanAction) throws -> MailgunRouteSpec {
        guard let s = a.after, let expression = string(s[MailState.expression]) else {
            throw MailDriverError("\(a.id) has no route expression")
        }
        let actions = string(s[MailState.actions]).map(MailState.list) ?? []
        return MailgunRouteSpec(priority: s[MailState.priority].flatMap(int) ?? 0, description: a.address.identity,
                                expression: expression, actions: actions)
    }

    static func string(_ v: PlanValue?) -> String? { if case .string(let s)? = v { return s } else { return nil } }
    static func int(_ v: PlanValue) -> Int? { if case .int(let i) = v { return i } else { return nil } }

    static func redact(_ text: String, _ password: String) -> String {
        Redactor(secrets: [password]).scrub(text)
    }
}

/// A mail driver's refusal, worded for the apply summary.
public struct MailDriverError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Provider errors whose outcome is unknown (a write that timed out after
/// sending) become `OutcomeUnknown`: the executor keeps the action started
/// and the next run re-reads it with `probe` instead of repeating it.
enum MailOutcome {
    static func map<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as ProviderError where e.kind == .outcomeUnknown {
            throw OutcomeUnknown(e.description)
        }
    }
}
