import DNSRecords
import Inventory

/// The Zoho part of planning: domain, DKIM key, verifications and users.
extension PlanBuilder {
    /// `followUps`: `addZohoFollowUps` will run for this domain (it plans the
    /// verification the DKIM key of an unverified domain waits for).
    mutating func addZohoDomain(_ domain: DesiredDomain, _ z: DesiredZohoDomain, name: String,
                                reading: CachedReader.Reading<ZohoDomainReading>, followUps: Bool, plan: inout MailPlan) {
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

        // The DKIM key is added once Zoho has verified the domain (§3.7: verify,
        // then DKIM). An unverified domain's key is planned behind this plan's
        // verification, so one apply carries the whole chain and the key's
        // writes overlap other domains' (issue #13 §4) instead of waiting for
        // the next round's plan.
        let key = have?.dkim(selector: z.dkimSelector)
        let verifying = followUps && (action?.operation == .create || have?.verified == false)
        if let key, let pub = key.publicKey {
            plan.values[AfterApply.zohoDKIM] = .string(pub)
        } else if have?.verified == true || verifying {
            var want = account
            want[MailState.selector] = .string(z.dkimSelector)
            let after = have?.verified == true ? [] : [ActionID(.verify, address)]
            if let a = addMailResource(Self.zohoDKIMAddress(name, z), desired: ResourceState(want), observed: nil,
                                       observedAt: address, observedHash: reading.hash, dependsOn: after) {
                plan.zohoDKIMCreate = a.id
                plan.zohoDKIMAfterVerify = !after.isEmpty
                plan.values[AfterApply.zohoDKIM] = .knownAfterApply(OutputReference(action: a.id, output: MailOutput.dkimValue))
            }
        }
    }

    /// The zone's records that carry the DKIM key planned behind the
    /// verification go in their own batch (a second write of the zone, as
    /// the next round's plan would have made it): in the first write they
    /// would make the verification wait for itself.
    mutating func deferZohoDKIMRecord(_ diff: inout ZoneDiff, mail: inout MailPlan) {
        guard mail.zohoDKIMAfterVerify, let key = mail.zohoDKIMCreate, !diff.actions.isEmpty else { return }
        for i in diff.actions.indices where diff.actions[i].after?.references.contains(where: { $0.action == key }) == true {
            let batch = diff.actions[i].batch.map { $0 + ":after-zoho-verify" }
            diff.actions[i].batch = batch
            // The zone's actions were just added: found from the end at once.
            if let j = actions.lastIndex(where: { $0.id == diff.actions[i].id }) { actions[j].batch = batch }
            mail.deferredRecords.insert(diff.actions[i].id)
        }
    }

    mutating func addZohoFollowUps(_ domain: DesiredDomain, _ z: DesiredZohoDomain, name: String,
                                   reading: CachedReader.Reading<ZohoDomainReading>, mail: MailPlan, recordActions: [ActionID]) {
        guard z.ensure == .present else { return }
        let address = MailObservationAddress.zoho(name)
        let have = reading.value.domain
        let account = MailState.zohoAccount(z)
        let afterCreate = mail.zohoCreate.map { [$0] } ?? []
        let firstWrite = recordActions.filter { !mail.deferredRecords.contains($0) }
        let verifying = mail.zohoCreate != nil || have.map({ !$0.verified || !$0.hostingEnabled }) == true
        if verifying {
            add(PlanAction(.verify, address, after: ResourceState(account), dependsOn: firstWrite + afterCreate, observed: address,
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
        // Users only on a verified domain (Zoho refuses them before): behind
        // the verification above when this plan makes it.
        let afterVerify = have?.verified == true ? [] : [ActionID(.verify, address)]
        guard have?.verified == true || verifying else { return }
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
                            observedHash: reading.hash, dependsOn: afterVerify, createExtras: extras)
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
}
