import DNSRecords
import Providers

/// Zoho actions: the domain (create, TXT verify + mail hosting, delete),
/// its DKIM key (`<domain>/zohoDomain/dkim:<selector>`: create, verify +
/// make default) and users. The client comes from the action's `account`.
/// Creates do not read first: the plan saw the resource absent, Zoho refuses
/// a second domain, key or user of the same name (that refusal is read), and
/// an unknown outcome is re-read by `probe` — a repeated step never duplicates.
public struct ZohoDriver: PerActionDriver {
    public var clients: [String: ZohoClient]
    /// Resolves an `env:NAME` reference's NAME (a user's initial password is
    /// derived from the SMTP master secret); values never leave this driver.
    public var secret: @Sendable (String) -> String?

    public init(clients: [String: ZohoClient], secret: @escaping @Sendable (String) -> String?) {
        self.clients = clients
        self.secret = secret
    }

    public func perform(_ a: PlanAction) async throws -> StepResult {
        let client = try self.client(a)
        let d = a.address.domain
        let dkimSelector = Self.dkimSelector(a)
        switch (a.address.kind, a.operation, dkimSelector) {
        case (_, .wait, _):
            return .pending(a.note ?? "waiting")
        case (.zohoDomain, .create, nil):
            // No read first (issue #13 §2): the plan saw no such domain; a create Zoho
            // refuses (held already) is read below, an unknown outcome by `probe`.
            do {
                let added = try await MailOutcome.map { try await client.addDomain(d) }
                return .done(outputs: Self.outputs(added, client))
            } catch let e as ProviderError where e.kind == .invalidRequest {
                guard let now = try await Self.domain(d, client) else { throw e }
                return .done(outputs: Self.outputs(now, client))
            }
        case (.zohoDomain, .verify, nil):
            guard let domain = try await Self.domain(d, client) else { throw MailDriverError("\(d) is not in the Zoho organisation") }
            if !domain.isVerified {
                guard try await MailOutcome.map({ try await client.verifyDomainByTXT(d) }) else {
                    return .pending("Zoho does not see the verification TXT record yet")
                }
            }
            if domain.mailHostingEnabled?.isTrue != true {
                try await MailOutcome.map { try await client.enableMailHosting(d) }
            }
            return .done(outputs: [:])
        case (.zohoDomain, .delete, nil):
            guard try await Self.domain(d, client) != nil else { return .done(outputs: [:]) }
            // Zoho refuses to delete a domain that still hosts mail (§2.4, RMV_HOSTING_BEFORE_DLT_DOMAIN).
            try await MailOutcome.map {
                try await client.disableMailHosting(d)
                try await client.deleteDomain(d)
            }
            return .done(outputs: [:])
        case (.zohoDomain, .create, let selector?):
            // No read first: the plan saw no key at this selector. A refused add
            // ("Selector already exists") or one whose outcome is unknown is read.
            let key = try await MailOutcome.map { () async throws(ProviderError) -> ZohoDKIM in
                do throws(ProviderError) {
                    return try await client.addDKIM(d, selector: selector)
                } catch where error.kind == .outcomeUnknown || error.kind == .invalidRequest {
                    guard let k = try await client.dkimKeys(d).first(where: { $0.selector == selector }) else { throw error }
                    return k
                }
            }
            guard let pub = key.publicKey else { throw MailDriverError("Zoho returned no public key for selector \(selector)") }
            return .done(outputs: [MailOutput.dkimValue: pub])
        case (.zohoDomain, .verify, let selector?):
            guard let key = try await client.dkimKeys(d).first(where: { $0.selector == selector }) else {
                throw MailDriverError("\(d) has no DKIM key \(selector) at Zoho")
            }
            if key.isVerified?.isTrue != true {
                guard try await MailOutcome.map({ try await client.verifyDKIM(d, dkimID: key.dkimId) }) else {
                    return .pending("Zoho does not see the DKIM record \(selector)._domainkey.\(d) yet")
                }
            }
            if key.isDefault?.isTrue != true {
                try await MailOutcome.map { try await client.makeDKIMDefault(d, dkimID: key.dkimId) }
            }
            return .done(outputs: [:])
        case (.zohoUser, .create, nil):
            // No read first: the plan observed the user absent, and a listing
            // costs pages of the whole organisation at 1 request/s. Zoho refuses a
            // second account with the same address; an unknown outcome is re-read
            // by the executor's probe.
            let address = a.address.identity
            let password = try self.password(for: address, a)
            let display = MailgunDriver.string(a.after?[MailState.displayName])
            let parts = display?.split(separator: " ", maxSplits: 1).map(String.init) ?? []
            let user = ZohoNewUser(primaryEmailAddress: address, password: password, firstName: parts.first,
                                   lastName: parts.count > 1 ? parts[1] : nil, displayName: display, oneTimePassword: false)
            do {
                _ = try await MailOutcome.map { try await client.addUser(user) }
            } catch let e as OutcomeUnknown {
                throw OutcomeUnknown(MailgunDriver.redact(e.description, password))
            } catch let e as ProviderError where e.kind == .invalidRequest {
                // "already exists" from an earlier attempt whose answer was lost.
                guard try await Self.user(address, client) != nil else {
                    throw MailDriverError(MailgunDriver.redact(e.description, password))
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw MailDriverError(MailgunDriver.redact(String(describing: error), password))
            }
            return .done(outputs: [:])
        case (.zohoUser, .update, nil):
            guard let u = try await Self.user(a.address.identity, client) else {
                throw MailDriverError("\(a.address.identity) is not a Zoho user")
            }
            if !u.isEnabled { try await MailOutcome.map { try await client.enableUser(u) } }
            return .done(outputs: [:])
        case (.zohoUser, .delete, nil):
            if let u = try await Self.user(a.address.identity, client) {
                try await MailOutcome.map { _ = try await client.deleteUser(u) }
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
        switch (a.address.kind, a.operation, Self.dkimSelector(a)) {
        case (_, .wait, _):
            return .notApplied
        case (.zohoDomain, .create, nil):
            guard let domain = try await Self.domain(d, client) else { return .notApplied }
            return .applied(outputs: Self.outputs(domain, client))
        case (.zohoDomain, .verify, nil):
            let domain = try await Self.domain(d, client)
            return applied(domain?.isVerified == true && domain?.mailHostingEnabled?.isTrue == true)
        case (.zohoDomain, .delete, nil):
            return applied(try await Self.domain(d, client) == nil)
        case (.zohoDomain, .create, let selector?):
            guard let key = try await Self.domain(d, client)?.dkimDetailList?.first(where: { $0.selector == selector }),
                  let pub = key.publicKey else { return .notApplied }
            return .applied(outputs: [MailOutput.dkimValue: pub])
        case (.zohoDomain, .verify, let selector?):
            let key = try await Self.domain(d, client)?.dkimDetailList?.first { $0.selector == selector }
            return applied(key?.isVerified?.isTrue == true && key?.isDefault?.isTrue == true)
        case (.zohoUser, .create, nil), (.zohoUser, .update, nil):
            return applied(try await Self.user(a.address.identity, client)?.isEnabled == true)
        case (.zohoUser, .delete, nil):
            return applied(try await Self.user(a.address.identity, client) == nil)
        default:
            throw DriverError.unsupported(a.id)
        }
    }

    // MARK: helpers

    func client(_ a: PlanAction) throws -> ZohoClient {
        let state = a.after ?? a.before
        guard let account = MailgunDriver.string(state?[MailState.account]) else {
            throw MailDriverError("\(a.id) names no zoho account")
        }
        guard let c = clients[account] else { throw MailDriverError("no zoho account \"\(account)\" configured") }
        if let org = MailgunDriver.string(state?[MailState.orgID]), org != c.orgID {
            throw MailDriverError("zoho account \"\(account)\" is configured for organisation \(c.orgID), the plan says \(org)")
        }
        return c
    }

    /// The selector of a DKIM-key action (`dkim:<selector>` identity), nil for the domain itself.
    static func dkimSelector(_ a: PlanAction) -> String? {
        guard a.address.kind == .zohoDomain, a.address.identity.hasPrefix("dkim:") else { return nil }
        return String(a.address.identity.dropFirst(5))
    }

    /// A mailbox's password, derived at apply time from the SMTP master
    /// secret (`SMTPPasswordDeriver.zohoMailboxPassword`); permanent, so the
    /// reply poller can log in with the same derivation.
    func password(for address: String, _ a: PlanAction) throws -> String {
        guard let ref = MailgunDriver.string(a.after?[MailState.passwordSecret]), ref.hasPrefix("env:") else {
            throw MailDriverError("\(a.id) names no password secret")
        }
        let name = String(ref.dropFirst(4))
        guard let master = secret(name), !master.isEmpty else { throw MailDriverError("the secret env:\(name) is not set") }
        return SMTPPasswordDeriver(masterSecret: master).zohoMailboxPassword(for: address)
    }

    static func domain(_ d: String, _ client: ZohoClient) async throws -> ZohoDomain? {
        do throws(ProviderError) { return try await client.getDomain(d) } catch where error.kind == .notFound { return nil }
    }

    static func user(_ address: String, _ client: ZohoClient) async throws -> ZohoUser? {
        try await client.listUsers().first { $0.address?.lowercased() == address.lowercased() }
    }

    static func outputs(_ domain: ZohoDomain, _ client: ZohoClient) -> [String: String] {
        guard let code = domain.CNAMEVerificationCode else { return [:] }
        return [MailOutput.verificationTXT: client.region.verificationTXT(code: code)]
    }
}
