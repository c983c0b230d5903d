import DNSRecords
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
            if let account = observed.unread[name] { unread(name, account: account, reason: why, role: domain.role) }
            else { block(name, reason: why, role: domain.role) }
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
            addZohoDomain(domain, z, name: name, reading: zr, followUps: domain.mailgun.ensure == .present, plan: &plan)
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
            add(PlanAction(.verify, mgAddress, after: ResourceState(account),
                           dependsOn: recordActions.filter { !mail.deferredRecords.contains($0) } + afterCreate,
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
