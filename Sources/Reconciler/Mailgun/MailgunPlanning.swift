import DNSRecords
import Inventory
import Providers

/// The Mailgun part of planning: the domain (with the DKIM value the records
/// wait for) and the routes of its mailboxes.
extension PlanBuilder {
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
}
