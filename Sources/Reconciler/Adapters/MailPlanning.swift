import DNSRecords
import Foundation
import Inventory
import Providers

extension PlanBuilder {
    /// Called for a domain before its zone: the Mailgun and Zoho domains
    /// (create, or delete for a retired domain together with its routes and
    /// Zoho users) and the Zoho DKIM key once the domain is verified. Returns
    /// the resolver of the compiler's `afterApply` record values.
    public mutating func addMail(_ domain: DesiredDomain, observed: MailObservation) throws -> MailPlan {
        let name = DomainName.normalize(domain.name)
        var plan = MailPlan(domain: name)
        if let why = observed.blocked[name] {
            block(name, reason: why, role: domain.role)
            plan.blocked = why
            return plan
        }
        guard let mg = observed.mailgun[name], let routes = observed.routes[name],
              domain.zoho == nil || observed.zoho[name] != nil else {
            let why = "the mail platforms were not observed for this domain"
            block(name, reason: why, role: domain.role)
            plan.blocked = why
            return plan
        }
        addMailgunDomain(domain, name: name, reading: mg, plan: &plan)
        if domain.mailgun.ensure == .absent {
            addRouteActions(domain, name: name, reading: routes, dependsOn: [])
        }
        if let z = domain.zoho, let zr = observed.zoho[name] {
            addZohoDomain(domain, z, name: name, reading: zr, plan: &plan)
        }
        return plan
    }

    /// Called after the zone (`recordActions`: this domain's record actions
    /// from `addZone`): verifications (while the provider says not
    /// verified), SMTP credentials, webhooks, routes and Zoho users.
    /// `passwordVersion` is the SMTP password scheme version wanted: a
    /// credential last set (per the journal) with another version is updated
    /// — rotation is a version bump.
    public mutating func addMailFollowUps(_ domain: DesiredDomain, observed: MailObservation, mail: MailPlan,
                                          recordActions: [ActionID],
                                          passwordVersion: Int = SMTPPasswordDeriver.currentVersion) throws {
        let name = mail.domain
        guard mail.blocked == nil, domain.mailgun.ensure == .present,
              let mgReading = observed.mailgun[name], let routeReading = observed.routes[name] else { return }
        let mg = domain.mailgun
        let mgAddress = MailObservationAddress.mailgun(name)
        let have = mgReading.value.domain
        let afterCreate = mail.mailgunCreate.map { [$0] } ?? []
        let account = MailState.mailgunAccount(mg)

        if mail.mailgunCreate != nil || have.map({ !$0.isActive }) == true {
            add(PlanAction(.verify, mgAddress, after: ResourceState(account), dependsOn: recordActions + afterCreate,
                           observed: mgAddress, note: "pending until Mailgun sees the SPF and DKIM records"))
        }

        for c in mg.smtpCredentials {
            let login = c.login.lowercased()
            let address = ResourceAddress(domain: name, kind: .mailgunCredential, identity: login)
            let exists = have?.credentials.contains(login) ?? false
            if c.ensure == .absent {
                let before = exists ? ResourceState(account) : nil
                addMailResource(address, desired: nil, observed: before, observedAt: mgAddress, observedHash: mgReading.hash,
                                removeIfUndesired: true, note: "not in the inventory")
                continue
            }
            guard let secret = c.passwordSecret else {
                if !exists {
                    // Mailgun would generate a password nobody knows (§1.7): wait for the secret instead.
                    add(PlanAction(.wait, address, after: ResourceState(account), dependsOn: afterCreate, observed: mgAddress,
                                   note: "no smtp_password_secret configured: the credential is not created "
                                       + "(Mailgun would generate a password the sender cannot know)"))
                }
                continue
            }
            var want = account
            want[MailState.passwordSecret] = .string("env:\(secret.name)")
            want[MailState.passwordVersion] = .int(passwordVersion)
            // Mailgun cannot show a password: an existing login compares on
            // existence and on the version the journal says we last set
            // (unknown — set by hand or before the journal — counts as current).
            var have = want
            have[MailState.passwordVersion] = .int(observed.passwordVersions[address.description] ?? passwordVersion)
            addMailResource(address, desired: ResourceState(want), observed: exists ? ResourceState(have) : nil,
                            observedAt: mgAddress, observedHash: mgReading.hash, dependsOn: afterCreate,
                            note: exists ? "SMTP password rotation to version \(passwordVersion)" : nil)
        }

        for w in mg.webhooks {
            let address = ResourceAddress(domain: name, kind: .mailgunWebhook, identity: w.event)
            var want = account
            want[MailState.url] = .string(w.url)
            let current = have?.webhooks[w.event].map { urls -> ResourceState in
                var s = account
                s[MailState.url] = .string(urls.joined(separator: ","))
                return ResourceState(s)
            }
            addMailResource(address, desired: w.ensure == .present ? ResourceState(want) : nil, observed: current,
                            observedAt: mgAddress, observedHash: mgReading.hash, removeIfUndesired: w.ensure == .absent,
                            dependsOn: afterCreate)
        }

        addRouteActions(domain, name: name, reading: routeReading, dependsOn: afterCreate)

        if let z = domain.zoho, let zr = observed.zoho[name] {
            addZohoFollowUps(domain, z, name: name, reading: zr, mail: mail, recordActions: recordActions)
        }
    }

    // MARK: Mailgun

    mutating func addMailgunDomain(_ domain: DesiredDomain, name: String, reading: CachedReader.Reading<MailgunDomainReading>,
                                   plan: inout MailPlan) {
        let mg = domain.mailgun
        let address = MailObservationAddress.mailgun(name)
        let have = reading.value.domain
        var want = MailState.mailgunAccount(mg)
        want[MailState.dkimSelector] = .string(mg.dkimSelector)
        let current = have.map { h -> ResourceState in
            var s: [String: PlanValue] = [MailState.account: .string(h.account), MailState.region: .string(h.region.rawValue),
                                          MailState.state: .string(h.state)]
            s[MailState.dkimSelector] = .string(h.dkimSelector ?? "(none)")
            return ResourceState(s)
        }
        var extras: [String: PlanValue] = [MailState.dkimKeySize: .int(mg.dkimKeySize)]
        if let prefix = mg.trackingPrefix { extras[MailState.webPrefix] = .string(prefix) }
        let action = addMailResource(address, desired: mg.ensure == .present ? ResourceState(want) : nil, observed: current,
                                     observedAt: address, observedHash: reading.hash, removeIfUndesired: mg.ensure == .absent,
                                     note: mg.ensure == .absent ? "retired domain" : nil, createExtras: extras)
        if let action, action.operation == .create { plan.mailgunCreate = action.id }
        if let v = have?.dkimValue {
            plan.values[AfterApply.mailgunDKIM] = .string(v)
        } else if let create = plan.mailgunCreate {
            plan.values[AfterApply.mailgunDKIM] = .knownAfterApply(OutputReference(action: create, output: MailOutput.dkimValue))
        }
    }

    /// Routes of the domain's mailboxes: the inventory's (create/update), and
    /// routes we own (by description) that it no longer wants (delete).
    mutating func addRouteActions(_ domain: DesiredDomain, name: String, reading: CachedReader.Reading<MailgunRoutesReading>,
                                  dependsOn: [ActionID]) {
        let observedAt = MailObservationAddress.routes(name)
        hashes[observedAt] = reading.hash
        let account = MailState.mailgunAccount(domain.mailgun)
        let byDescription = Dictionary(grouping: reading.value.routes, by: \.description)
        let retired = domain.mailgun.ensure == .absent
        var wanted: Set<String> = []
        for r in domain.mailgun.routes where r.ensure == .present && !retired {
            wanted.insert(r.description)
            var want = account
            want[MailState.priority] = .int(r.priority)
            want[MailState.expression] = .string(r.expression)
            want[MailState.actions] = .string(MailState.list(r.actions))
            // Duplicates (an earlier create whose answer was lost) differ from the one wanted.
            want[MailState.copies] = .int(1)
            let current = byDescription[r.description].map { Self.routeState($0, account: account) }
            addMailResource(ResourceAddress(domain: name, kind: .mailgunRoute, identity: r.description), desired: ResourceState(want),
                            observed: current, observedAt: observedAt, observedHash: reading.hash, dependsOn: dependsOn)
        }
        for (description, copies) in byDescription.sorted(by: { $0.key < $1.key }) where !wanted.contains(description) {
            addMailResource(ResourceAddress(domain: name, kind: .mailgunRoute, identity: description), desired: nil,
                            observed: Self.routeState(copies, account: account), observedAt: observedAt, observedHash: reading.hash,
                            removeIfUndesired: true, note: retired ? "retired domain" : "mailbox no longer routed by the inventory")
        }
    }

    static func routeState(_ copies: [MailgunRoute], account: [String: PlanValue]) -> ResourceState {
        let first = copies[0]
        var s = account
        s[MailState.priority] = .int(first.priority)
        s[MailState.expression] = .string(first.expression)
        s[MailState.actions] = .string(MailState.list(first.actions))
        s[MailState.copies] = .int(copies.count)
        s[MailState.ids] = .string(copies.map(\.id).joined(separator: ","))
        return ResourceState(s)
    }

    // MARK: Zoho

    mutating func addZohoDomain(_ domain: DesiredDomain, _ z: DesiredZohoDomain, name: String,
                                reading: CachedReader.Reading<ZohoDomainReading>, plan: inout MailPlan) {
        let address = MailObservationAddress.zoho(name)
        let have = reading.value.domain
        let account = MailState.zohoAccount(z)
        let current = have.map { h -> ResourceState in
            ResourceState([MailState.account: .string(h.account), MailState.orgID: .string(h.orgID),
                           MailState.verified: .bool(h.verified), MailState.hosting: .bool(h.hostingEnabled)])
        }
        if z.ensure == .absent {
            // Users first: Zoho will not drop a domain that still hosts mail.
            var userDeletes: [ActionID] = []
            let retiring = Set(z.users.map { $0.address.lowercased() })
            for u in have?.users ?? [] where retiring.contains(u.address) {
                if let a = addMailResource(ResourceAddress(domain: name, kind: .zohoUser, identity: u.address), desired: nil,
                                           observed: Self.userState(u, account: account), observedAt: address,
                                           observedHash: reading.hash, removeIfUndesired: true, note: "retired domain") {
                    userDeletes.append(a.id)
                }
            }
            addMailResource(address, desired: nil, observed: current, observedAt: address, observedHash: reading.hash,
                            removeIfUndesired: true, dependsOn: userDeletes, note: "retired domain")
            return
        }
        let action = addMailResource(address, desired: ResourceState(account), observed: current, observedAt: address,
                                     observedHash: reading.hash)
        if let code = have?.verificationCode {
            plan.values[AfterApply.zohoVerificationCode] = .string(z.verificationTXT(code: code))
        } else if let action, action.operation == .create {
            plan.values[AfterApply.zohoVerificationCode] =
                .knownAfterApply(OutputReference(action: action.id, output: MailOutput.verificationTXT))
        }
        if let action, action.operation == .create { plan.zohoCreate = action.id }

        // The DKIM key is added once Zoho has verified the domain (§3.7: verify, then DKIM).
        let key = have?.dkim(selector: z.dkimSelector)
        if let key, let pub = key.publicKey {
            plan.values[AfterApply.zohoDKIM] = .string(pub)
        } else if have?.verified == true {
            var want = account
            want[MailState.selector] = .string(z.dkimSelector)
            if let a = addMailResource(Self.zohoDKIMAddress(name, z), desired: ResourceState(want), observed: nil,
                                       observedAt: address, observedHash: reading.hash) {
                plan.zohoDKIMCreate = a.id
                plan.values[AfterApply.zohoDKIM] = .knownAfterApply(OutputReference(action: a.id, output: MailOutput.dkimValue))
            }
        }
    }

    mutating func addZohoFollowUps(_ domain: DesiredDomain, _ z: DesiredZohoDomain, name: String,
                                   reading: CachedReader.Reading<ZohoDomainReading>, mail: MailPlan, recordActions: [ActionID]) {
        guard z.ensure == .present else { return }
        let address = MailObservationAddress.zoho(name)
        let have = reading.value.domain
        let account = MailState.zohoAccount(z)
        let afterCreate = mail.zohoCreate.map { [$0] } ?? []
        if mail.zohoCreate != nil || have.map({ !$0.verified || !$0.hostingEnabled }) == true {
            add(PlanAction(.verify, address, after: ResourceState(account), dependsOn: recordActions + afterCreate, observed: address,
                           note: "ownership by the TXT record, then mail hosting; the DKIM key and users follow once verified"))
        }
        let key = have?.dkim(selector: z.dkimSelector)
        if mail.zohoDKIMCreate != nil || key.map({ !$0.verified || !$0.isDefault }) == true {
            var s = account
            s[MailState.selector] = .string(z.dkimSelector)
            add(PlanAction(.verify, Self.zohoDKIMAddress(name, z), after: ResourceState(s),
                           dependsOn: recordActions + (mail.zohoDKIMCreate.map { [$0] } ?? []), observed: address,
                           note: "pending until Zoho sees the DKIM record"))
        }
        // Users only on a verified domain (Zoho refuses them before): until
        // then they are not planned, and the verify above says so.
        guard have?.verified == true else { return }
        let secrets = Dictionary(domain.mailgun.smtpCredentials.map { ($0.login.lowercased(), $0.passwordSecret) },
                                 uniquingKeysWith: { a, _ in a })
        let existing = Dictionary((have?.users ?? []).map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        for u in z.users {
            let login = u.address.lowercased()
            let userAddress = ResourceAddress(domain: name, kind: .zohoUser, identity: login)
            let current = existing[login].map { Self.userState($0, account: account) }
            if u.ensure == .absent {
                addMailResource(userAddress, desired: nil, observed: current, observedAt: address, observedHash: reading.hash,
                                removeIfUndesired: true, note: "not in the inventory")
                continue
            }
            var want = account
            want[MailState.enabled] = .bool(true)
            var extras: [String: PlanValue] = [:]
            if let display = u.displayName { extras[MailState.displayName] = .string(display) }
            if current == nil {
                guard let secret = secrets[login] ?? nil else {
                    add(PlanAction(.wait, userAddress, after: ResourceState(account), observed: address,
                                   note: "no smtp_password_secret configured: the mailbox's initial password cannot be derived"))
                    continue
                }
                extras[MailState.passwordSecret] = .string("env:\(secret.name)")
            }
            addMailResource(userAddress, desired: ResourceState(want), observed: current, observedAt: address,
                            observedHash: reading.hash, createExtras: extras)
        }
    }

    static func zohoDKIMAddress(_ name: String, _ z: DesiredZohoDomain) -> ResourceAddress {
        ResourceAddress(domain: name, kind: .zohoDomain, identity: "dkim:\(z.dkimSelector)")
    }

    static func userState(_ u: ObservedZohoUser, account: [String: PlanValue]) -> ResourceState {
        var s = account
        s[MailState.enabled] = .bool(u.enabled)
        s[MailState.zuid] = .string(u.zuid)
        s[MailState.accountID] = .string(u.accountID)
        return ResourceState(s)
    }

    // MARK: plumbing

    /// `addResource` for a resource observed as part of a larger cached
    /// observation (`observedAt`, whose hash goes into the fingerprint): the
    /// action names that observation, so invalidating `plan.touchedResources`
    /// after an apply forgets it. `createExtras` are attributes a create
    /// sends but an existing resource is not compared on (Mailgun cannot show
    /// a DKIM key size).
    @discardableResult
    mutating func addMailResource(_ address: ResourceAddress, desired: ResourceState?, observed: ResourceState?,
                                  observedAt: ResourceAddress, observedHash: String, removeIfUndesired: Bool = false,
                                  dependsOn: [ActionID] = [], note: String? = nil,
                                  createExtras: [String: PlanValue] = [:]) -> PlanAction? {
        hashes[observedAt] = observedHash
        guard var action = ResourceDiff.diff(address, desired: desired, observed: observed, removeIfUndesired: removeIfUndesired,
                                             dependsOn: dependsOn, observedAt: observedAt, note: note) else { return nil }
        if action.operation == .create { for (k, v) in createExtras { action.after?[k] = v } }
        actions.append(action)
        return action
    }
}

/// Attribute names of mail resource states. `account` (and `region` /
/// `orgID`) ride in every action so a driver picks its client from the
/// action alone: a saved plan is applied later by another process.
enum MailState {
    static let account = "account", region = "region", orgID = "orgID", state = "state"
    static let dkimSelector = "dkimSelector", dkimKeySize = "dkimKeySize", webPrefix = "webPrefix"
    static let passwordSecret = "passwordSecret", passwordVersion = "passwordVersion"
    static let url = "url", priority = "priority", expression = "expression", actions = "actions"
    static let copies = "copies", ids = "ids"
    static let verified = "verified", hosting = "hosting", selector = "selector"
    static let enabled = "enabled", zuid = "zuid", accountID = "accountID", displayName = "displayName"

    static func mailgunAccount(_ mg: DesiredMailgunDomain) -> [String: PlanValue] {
        [account: .string(mg.account), region: .string(mg.region.rawValue)]
    }

    /// A route's actions as one value: a JSON array, unambiguous whatever the
    /// actions contain, and one line in a rendered plan.
    static func list(_ items: [String]) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return (try? e.encode(items)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    static func list(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func zohoAccount(_ z: DesiredZohoDomain) -> [String: PlanValue] {
        [account: .string(z.account), orgID: .string(z.orgID)]
    }
}
