import DNSRecords
import Foundation
import Inventory
import Providers

extension DomainExplainer {
    /// Everything but the records: registration, nameservers, the Mailgun
    /// domain and what hangs off it, the Zoho domain and users, web forwards;
    /// then any other action the plan has for the domain (a route or user the
    /// inventory no longer names).
    func resources(_ actions: [PlanAction], zone: ObservedZone?) -> [ExplainedItem] {
        var items: [ExplainedItem] = []
        var covered = Set<ResourceAddress>()
        let mailBlocked = observed.mail.blocked[name]
        let registration = observed.registrar.registrations[name]
        let listed = registration != nil

        func add(_ kind: ResourceKind, _ identity: String = "", desired: String?, observed: String?, read: Bool,
                 ensure: Presence = .present, why: String, origins: [SettingOrigin], unread: String? = nil,
                 differs: String? = nil) {
            let address = ResourceAddress(domain: name, kind: kind, identity: identity)
            covered.insert(address)
            var item = ExplainedItem(kind: kind.rawValue, identity: identity.isEmpty ? name : identity,
                                     desired: ensure == .absent ? "absent" : desired, observed: observed, status: .unknown,
                                     management: .declared, reason: "declared: " + why, origins: origins)
            let mine = actions.filter { $0.address == address }
            if let a = mine.first(where: \.operation.isChange) {
                item.status = ExplainStatus(rawValue: a.operation.rawValue) ?? .unknown
                if let note = a.note { item.reason += " (\(note))" }
            } else if let a = mine.first {
                item.status = .pending
                if let note = a.note { item.reason += " (\(note))" }
            } else if let differs {
                item.status = .differs
                item.reason += "; \(differs)"
            } else if !read {
                item.reason += "; not read: \(unread ?? plan.summary(for: name)?.blocked ?? "no observation")"
            } else if ensure == .absent {
                item.status = observed == nil ? .absent : .unknown
            } else if observed != nil {
                item.status = .inSync
            }
            items.append(item)
        }

        let reg = desired.registration
        add(.registrarDomain, desired: "at \(reg.account) (\(reg.registrar.rawValue)), auto-renew \(onOff(reg.autoRenew))",
            observed: registration.map { r in
                "auto-renew \(onOff(r.autoRenew))" + (r.expires.map { ", expires \(FixedFormatDate.day($0))" } ?? "") + (r.status.map { ", \($0)" } ?? "")
            }, read: listed, why: "the domain's registration", origins: provenance.registration,
            differs: plan.warnings.first { $0.domain == name && $0.code == .autoRenewUnsettable }?.text)
        add(.nameservers, desired: "the registrar's DNS",
            observed: registration.map { r in
                r.usesRegistrarDNS == true ? "the registrar's DNS" : (r.nameservers?.joined(separator: ", ") ?? "the registrar's DNS (the listing does not name them)")
            }, read: listed, why: "the records are served by the registrar's DNS", origins: provenance.registration.prefix(1).map { $0 })

        // Mailgun: the domain, then what hangs off it.
        let mg = desired.mailgun
        let mgReading = observed.mail.mailgun[name]
        let have = mgReading?.value.domain
        add(.mailgunDomain, desired: "account \(mg.account), region \(mg.region.rawValue), DKIM selector \(mg.dkimSelector)",
            observed: have.map { "state \($0.state), region \($0.region.rawValue), DKIM selector \($0.dkimSelector ?? "(none)")" },
            read: mgReading != nil, ensure: mg.ensure, why: "the sending domain in the group's pool", origins: provenance.pool,
            unread: mailBlocked)
        for c in mg.smtpCredentials {
            add(.mailgunCredential, c.login.lowercased(), desired: "SMTP login, password derived from the master secret",
                observed: (have?.credentials.contains(c.login.lowercased()) ?? false) ? "exists (Mailgun never shows a password)" : nil,
                read: mgReading != nil, ensure: c.ensure, why: "a mailbox sends through the pool with it",
                origins: provenance.mailbox(c.login) + provenance.smtpPasswordSecret, unread: mailBlocked)
        }
        for w in mg.webhooks {
            add(.mailgunWebhook, w.event, desired: w.url, observed: have?.webhooks[w.event]?.joined(separator: ", "),
                read: mgReading != nil, ensure: w.ensure, why: "Mailgun reports \(w.event) events to `serve`",
                origins: provenance.webhook(w.event), unread: mailBlocked)
        }
        let routes = observed.mail.routes[name]
        for r in mg.routes {
            let seen = routes?.value.routes.first { $0.description == r.description }
            add(.mailgunRoute, r.description, desired: "priority \(r.priority): \(r.expression) → \(r.actions.joined(separator: ", "))",
                observed: seen.map { "priority \($0.priority): \($0.expression) → \($0.actions.joined(separator: ", "))" },
                read: routes != nil, ensure: r.ensure, why: "replies to the mailbox are forwarded (inbound mailgun-routing)",
                origins: provenance.inbound + provenance.mailbox(String(r.description.dropFirst(MailgunRouteOwnership.prefix.count))),
                unread: mailBlocked)
        }

        // Zoho: the domain and its users.
        if let z = desired.zoho {
            let zr = observed.mail.zoho[name]
            let zd = zr?.value.domain
            add(.zohoDomain, desired: "organisation \(z.orgID) (\(z.region.rawValue))",
                observed: zd.map { "\($0.verified ? "verified" : "not verified"), mail hosting \(onOff($0.hostingEnabled))" },
                read: zr != nil, ensure: z.ensure, why: "Zoho hosts the domain's mailboxes (inbound zoho)",
                origins: provenance.inbound + provenance.inboundAccount, unread: mailBlocked)
            for u in z.users {
                let seen = zd?.users.first { $0.address == u.address }
                add(.zohoUser, u.address, desired: "mailbox" + (u.displayName.map { " \"\($0)\"" } ?? ""),
                    observed: seen.map { $0.enabled ? "enabled" : "disabled" },
                    read: zr != nil, ensure: u.ensure, why: "a Zoho mailbox receives the replies",
                    origins: provenance.mailbox(u.address) + provenance.inbound, unread: mailBlocked)
            }
        }

        if let w = desired.web {
            for f in w.forwards {
                add(.webForward, f.host, desired: f.description, observed: zone?.forwards.first { $0.host == f.host }?.description,
                    read: zone != nil, why: "visitors of the domain are sent to the main site", origins: provenance.web(w))
            }
        }

        // Actions on what the inventory does not name (a mailbox removed, a stray route or user).
        for a in actions where !covered.contains(a.address) && ![.dnsRecord, .zone].contains(a.address.kind) {
            covered.insert(a.address)
            let status = a.operation.isChange ? ExplainStatus(rawValue: a.operation.rawValue) ?? .unknown : .pending
            items.append(ExplainedItem(
                kind: a.address.kind.rawValue, identity: a.address.identity.isEmpty ? name : a.address.identity,
                desired: a.after.map(Self.text), observed: a.before.map(Self.text), status: status,
                management: a.after == nil ? .owned : .declared,
                reason: (a.after == nil ? "not in the inventory; the tool manages it" : "declared") + (a.note.map { " (\($0))" } ?? "")))
        }
        return items
    }

    func onOff(_ b: Bool) -> String { b ? "on" : "off" }


    /// `account=mailgun-eu, region=eu`: a resource state in one line.
    static func text(_ s: ResourceState) -> String {
        s.sortedKeys.map { "\($0)=\(s[$0]!)" }.joined(separator: ", ")
    }
}
