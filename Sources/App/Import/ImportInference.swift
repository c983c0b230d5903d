import DNSRecords
import Foundation
import Inventory
import Providers
import Reconciler

/// Turns what was read into an inventory: per domain its registrar, pool,
/// inbound mode, auto-renew and mailboxes; fleet-wide the `defaults` (TTL,
/// DMARC, SPF, tracking, inbound) and `monitoring.public_base_url` as most
/// domains have them — unless the input inventory sets those sections, in
/// which case they are used as written. Extra records are classified later,
/// by planning this inventory (`ImportSession`).
struct ImportInference {
    let inventory: Inventory
    let discovery: FleetDiscovery
    let hasDefaults: Bool
    let hasMonitoring: Bool
    let inputDirectory: String

    func infer() throws -> ImportedFleet {
        var leftOut = discovery.leftOut
        var domains: [(FleetDiscovery.Found, InboundChoice, String)] = []
        for f in discovery.found {
            guard let found = inbound(of: f) else {
                leftOut[f.name] = "neither a Zoho domain nor routed by reconcile's Mailgun Routes: where its replies go is unknown"
                continue
            }
            domains.append((f, found.0, found.1))
        }
        guard !domains.isEmpty else {
            let why = leftOut.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" }.joined(separator: "\n")
            throw AppError("nothing to import: no domain of the listed accounts can be adopted" + (why.isEmpty ? "" : ":\n" + why))
        }
        let zohoAccounts = inventory.sortedAccounts.filter { $0.kind == .zoho }.map(\.name)
        let defaults = hasDefaults ? nil : inferDefaults(domains.map { ($0.0, $0.1) })
        let defaultInbound = defaults?.inbound.value ?? InboundChoice(inventory.defaults.inbound)
        let baseURL = hasMonitoring ? nil : try publicBaseURL(domains.map { $0.0 })

        var groups: [String: ImportedGroup] = [:]
        let names = groupNames(Set(domains.map { $0.0.mailgun }))
        for (f, inbound, source) in domains {
            let region = inventory.account(named: f.mailgun)?.mailgun?.region ?? .us
            let groupName = names[f.mailgun]!
            var d = ImportedDomain(name: f.name, registrar: f.registrar,
                                   registrarKind: inventory.account(named: f.registrar)?.kind ?? .porkbun,
                                   expires: f.registration.expires, autoRenew: f.registration.autoRenew,
                                   inbound: inbound == defaultInbound ? nil : inbound, inboundSource: source, mailboxes: [])
            mailboxes(of: f, inbound: inbound, into: &d)
            groups[groupName, default: ImportedGroup(name: groupName, pool: f.mailgun, region: region, domains: [])].domains.append(d)
        }
        return ImportedFleet(defaults: defaults, publicBaseURL: baseURL,
                             groups: groups.values.sorted { $0.name < $1.name }, leftOut: leftOut, zohoAccounts: zohoAccounts)
    }

    // MARK: - Per domain

    /// Where replies go: to Mailgun when the apex MX are Mailgun's and
    /// reconcile's routes say where they forward; else to Zoho when its
    /// organisation holds the domain; else unknown.
    func inbound(of f: FleetDiscovery.Found) -> (InboundChoice, String)? {
        let mx = Set((discovery.zones[f.name]?.records ?? []).filter { $0.type == .MX && $0.name == f.name }.map { DomainName.normalize($0.value) })
        let mailgunMX = !mx.isEmpty && mx.isSubset(of: Set(MailgunRegion.allCases.flatMap(\.mxHosts)))
        let target = Self.mode(ours(f).flatMap { Self.forwardTargets($0.actions) })
        if let target, mailgunMX || f.zoho == nil {
            return (.mailgunRouting(forwardTo: target.value), "the forward of its reconcile routes at \(f.mailgun)")
        }
        if let z = f.zoho { return (.zoho(account: z), "the Zoho organisation \(z) holds the domain") }
        return nil
    }

    func ours(_ f: FleetDiscovery.Found) -> [MailgunRoute] {
        (discovery.mail.routes[f.name]?.value.routes ?? []).filter { MailgunRouteOwnership.owns($0.description, domain: f.name) }
    }

    /// `forward("x@y")` actions, without the one to `serve`'s inbound endpoint.
    static func forwardTargets(_ actions: [String]) -> [String] {
        actions.compactMap { a -> String? in
            guard a.hasPrefix("forward(\""), a.hasSuffix("\")") else { return nil }
            let t = String(a.dropFirst(9).dropLast(2))
            return t.hasSuffix(DesiredRoute.inboundPath) ? nil : t
        }
    }

    /// Mailboxes are what both platforms hold: adopting one that exists on
    /// one side only would make the first plan create the other half, so it
    /// is listed as a comment instead.
    func mailboxes(of f: FleetDiscovery.Found, inbound: InboundChoice, into d: inout ImportedDomain) {
        let observed = discovery.mail.mailgun[f.name]?.value.domain
        let logins = Set((observed?.credentials ?? []).filter { !$0.hasPrefix("postmaster@") })
        switch inbound {
        case .zoho:
            let users = discovery.mail.zoho[f.name]?.value.domain?.users ?? []
            for u in users {
                if !u.enabled {
                    d.notes.append("Zoho mailbox \(u.address) is disabled: not imported (as a mailbox the plan would enable it)")
                } else if !logins.contains(u.address) {
                    d.notes.append("Zoho mailbox \(u.address) has no Mailgun SMTP login at \(f.mailgun): not imported (as a mailbox the plan would create the login)")
                } else {
                    add(u.address, source: "Zoho mailbox with a Mailgun SMTP login", to: &d)
                }
            }
            for login in logins.sorted() where !users.contains(where: { $0.address == login }) {
                d.notes.append("Mailgun SMTP login \(login) has no Zoho mailbox: not imported (as a mailbox the plan would create the Zoho user)")
            }
        case .mailgunRouting(let target):
            let routed = Dictionary(ours(f).map { ($0.description, $0) }, uniquingKeysWith: { a, _ in a })
            for login in logins.sorted() {
                if let r = routed[MailgunRouteOwnership.prefix + login], Self.forwardTargets(r.actions).first == target {
                    add(login, source: "Mailgun SMTP login with its route", to: &d)
                } else {
                    d.notes.append("Mailgun SMTP login \(login) has no reconcile route to \(target): not imported (as a mailbox the plan would create the route)")
                }
            }
        }
    }

    func add(_ address: String, source: String, to d: inout ImportedDomain) {
        let local = String(address.split(separator: "@").first ?? "")
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._+-")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy(allowed.contains), local.first != ".", local.last != "." else {
            d.notes.append("\(address): its local part is not one the inventory accepts (a-z 0-9 . _ + -): not imported")
            return
        }
        d.mailboxes.append(ImportedMailbox(local: local, displayName: discovery.displayNames[address], source: source))
    }

    // MARK: - Fleet-wide

    func inferDefaults(_ domains: [(FleetDiscovery.Found, InboundChoice)]) -> InferredDefaults {
        let n = domains.count
        let zones = domains.compactMap { discovery.zones[$0.0.name] }

        let mxTTLs = zones.flatMap { z in z.records.filter { $0.type == .MX && $0.name == z.domain }.map(\.ttl) }
        let ttl: Inferred<Int>
        if let m = Self.mode(mxTTLs.map(String.init)), let v = Int(m.value), (60...86_400).contains(v) {
            ttl = Inferred(value: v, source: "the TTL of \(m.count) of \(mxTTLs.count) apex MX records")
        } else {
            ttl = Inferred(value: Defaults.defaultTTL, source: "no apex MX record to learn it from: reconcile's default")
        }

        let inbound = Self.mode(domains.map { $0.1 }) ?? (value: domains[0].1, count: 1)
        let inboundSource = "the inbound of \(inbound.count) of \(n) domains"

        let dmarcTexts = zones.compactMap { z in
            z.records.first { $0.type == .TXT && $0.name == DMARCRecord.name(for: z.domain) && DMARCRecord.isDMARC($0.value) }?.value
        }
        var dmarc = Inferred<DMARCRecord?>(value: nil, source: "no _dmarc record found: reconcile's default (p=none)")
        if let m = Self.mode(dmarcTexts) {
            if let r = try? DMARCRecord.parse(m.value) {
                dmarc = Inferred(value: r, source: "the _dmarc TXT of \(m.count) of \(n) domains: \"\(m.value)\"")
            } else {
                dmarc.source = "the most common _dmarc TXT does not parse (\"\(m.value)\"): reconcile's default (p=none)"
            }
        }

        // SPF: compared without Mailgun's and Zoho's includes, which differ by region and inbound mode.
        let providers = Set(MailgunRegion.allCases.map(\.spfInclude) + ZohoRegion.allCases.map(\.spfInclude))
        var spfByKey: [String: (InferredSPF, String)] = [:]
        var spfKeys: [String] = []
        for z in zones {
            guard let text = z.records.first(where: { $0.type == .TXT && $0.name == z.domain && SPFRecord.isSPF($0.value) })?.value,
                  let r = try? SPFRecord.parse(text) else { continue }
            let all = r.terms.first { $0.kind == .mechanism(.all) }
            let qualifier = all?.qualifier == .fail ? "fail" : all?.qualifier == .neutral ? "neutral" : "softfail"
            let includes = r.includes.filter { !providers.contains($0) }
            let key = ([qualifier] + includes).joined(separator: " ")
            spfKeys.append(key)
            if spfByKey[key] == nil {
                let costed = includes.map { d in (domain: d, lookups: SPFLookupCosts.known.cost(of: d) == nil ? Optional(1) : nil) }
                spfByKey[key] = (InferredSPF(qualifier: qualifier, includes: costed), text)
            }
        }
        var spf = Inferred(value: InferredSPF(qualifier: "softfail", includes: []), source: "no SPF record found: reconcile's default")
        if let m = Self.mode(spfKeys), let found = spfByKey[m.value] {
            let (value, example) = found
            spf = Inferred(value: value, source: "the apex SPF TXT of \(m.count) of \(n) domains, besides Mailgun's and Zoho's includes: \"\(example)\"")
        }

        // The tracking CNAME: a one-label name under the domain pointing at its pool region's tracking host.
        var labels: [String] = []
        for (f, _) in domains {
            guard let z = discovery.zones[f.name], let region = inventory.account(named: f.mailgun)?.mailgun?.region else { continue }
            if let r = z.records.first(where: { r in
                r.type == .CNAME && DomainName.normalize(r.value) == region.trackingTarget
                    && !DomainName.relative(r.name, zone: z.domain).contains(".") && r.name != z.domain
            }) { labels.append(DomainName.relative(r.name, zone: z.domain)) }
        }
        let tracking: Inferred<String?>
        if let m = Self.mode(labels), m.count * 2 > n {
            tracking = Inferred(value: m.value, source: "the tracking CNAME \(m.value).<domain> on \(m.count) of \(n) domains")
        } else {
            tracking = Inferred(value: nil, source: "a tracking CNAME on \(labels.count) of \(n) domains: off")
        }
        return InferredDefaults(ttl: ttl, inbound: Inferred(value: inbound.value, source: inboundSource), dmarc: dmarc, spf: spf,
                                tracking: tracking)
    }

    /// Where the webhooks point: `<public_base_url>/webhooks/mailgun`.
    func publicBaseURL(_ found: [FleetDiscovery.Found]) throws -> Inferred<String> {
        let urls = found.flatMap { f in (discovery.mail.mailgun[f.name]?.value.domain?.webhooks ?? [:]).values.flatMap { $0 } }
        let bases = urls.filter { $0.hasSuffix(DesiredWebhook.path) }.map { String($0.dropLast(DesiredWebhook.path.count)) }
        guard let m = Self.mode(bases) else {
            throw AppError("\(inputDirectory): monitoring.public_base_url: no Mailgun webhook of the imported domains points at "
                + "<base>\(DesiredWebhook.path), so import cannot tell reconcile's public URL; "
                + "write `monitoring: { public_base_url: https://… }` into the input inventory")
        }
        return Inferred(value: m.value, source: "\(m.count) of \(urls.count) Mailgun webhooks point at \(m.value)\(DesiredWebhook.path)")
    }

    /// One group per Mailgun account, named after it (`mailgun-eu` → `eu`).
    func groupNames(_ accounts: Set<String>) -> [String: String] {
        var out: [String: String] = [:]
        var used: Set<String> = []
        for a in accounts.sorted() {
            var name = a
            for prefix in ["mailgun-", "mailgun_", "mailgun"] where a.lowercased().hasPrefix(prefix) {
                name = String(a.dropFirst(prefix.count))
                break
            }
            if name.isEmpty || !(name.first?.isLetter ?? false) {
                name = inventory.account(named: a)?.mailgun?.region.rawValue ?? a
            }
            if used.contains(name) { name = a }
            used.insert(name)
            out[a] = name
        }
        return out
    }

    /// The most frequent value (ties: the smallest), and how often it occurs.
    static func mode<T: Hashable & Comparable>(_ values: [T]) -> (value: T, count: Int)? {
        let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }.map { ($0.key, $0.value) }
    }

    static func mode(_ values: [InboundChoice]) -> (value: InboundChoice, count: Int)? {
        let counts = Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +)
        return counts.max { a, b in a.value != b.value ? a.value < b.value : "\(a.key)" > "\(b.key)" }.map { ($0.key, $0.value) }
    }
}
