import DNSRecords
import Foundation
import Inventory
import Providers
import Reconciler
import Store

/// What the accounts hold, read once: the listings decide which domains are
/// imported; their zones and mail platforms are then read through the same
/// observers (and observation cache) `--plan` uses, so the plans import
/// runs afterwards to classify and check find everything cached.
struct FleetDiscovery: Sendable {
    /// A domain found in the listings, with the accounts that hold it.
    struct Found: Sendable {
        var name: String
        var registrar: String
        var registration: RegistrarDomain
        var mailgun: String
        var zoho: String?
    }

    var found: [Found] = []
    /// Domain → why it is not imported (shown as a comment and on stderr).
    var leftOut: [String: String] = [:]
    var zones: [String: ObservedZone] = [:]
    var mail = MailObservation()
    /// Zoho address → display name (the users listing; absent from the mail observation).
    var displayNames: [String: String] = [:]

    /// Per-account listings, read before anything else (a few requests each).
    struct Listings: Sendable {
        var registrars: [String: [RegistrarDomain]] = [:]
        var mailgun: [String: [String]] = [:]
        var zoho: [String: [String]] = [:]
        /// Zoho domains whose listing lacks the codes or DKIM list: the mail observer reads each one.
        var zohoIncomplete: Set<String> = []
    }

    static func list(_ inventory: Inventory, providers: FleetProviders, say: (String) -> Void) async throws -> Listings {
        var l = Listings()
        for account in inventory.sortedAccounts {
            do { try await list(account, providers: providers, into: &l, say: say) } catch {
                throw AppError("\(account.location): accounts.\(account.name): could not list the account: \(error)")
            }
        }
        return l
    }

    private static func list(_ account: Account, providers: FleetProviders, into l: inout Listings, say: (String) -> Void) async throws {
        let name = account.name
        switch account.kind {
        case .porkbun, .namecheap:
            guard let p = providers.registrars[name] else { return }
            let list = try await p.listDomains()
            l.registrars[name] = list
            say("listed \(name): \(list.count) domains")
        case .mailgun:
            guard let c = providers.mailgun[name] else { return }
            let list = try await c.allDomains().map { DomainName.normalize($0.name) }
            l.mailgun[name] = list
            say("listed \(name): \(list.count) Mailgun domains")
        case .zoho:
            guard let c = providers.zoho[name] else { return }
            let domains = try await c.listDomains()
            let list = domains.map { DomainName.normalize($0.domainName) }
            l.zoho[name] = list
            for d in domains where d.CNAMEVerificationCode == nil || d.dkimDetailList == nil {
                l.zohoIncomplete.insert(DomainName.normalize(d.domainName))
            }
            say("listed \(name): \(list.count) Zoho domains")
        }
    }

    /// The domains to import: those in the listings `--from` names, each
    /// placed at its registrar, Mailgun pool and (if any) Zoho organisation.
    static func select(_ l: Listings, inventory: Inventory, request: ImportRequest) -> FleetDiscovery {
        var d = FleetDiscovery()
        var names: Set<String> = []
        func kind(_ account: String) -> String { inventory.account(named: account)?.kind.rawValue ?? "" }
        for (a, list) in l.registrars where request.lists(kind(a)) { names.formUnion(list.map(\.name)) }
        for (a, list) in l.mailgun where request.lists(kind(a)) { names.formUnion(list) }
        for (a, list) in l.zoho where request.lists(kind(a)) { names.formUnion(list) }
        let registrarOf = Dictionary(l.registrars.sorted { $0.key < $1.key }.flatMap { a, list in list.map { ($0.name, (a, $0)) } },
                                     uniquingKeysWith: { a, _ in a })
        let mailgunOf = Dictionary(l.mailgun.sorted { $0.key < $1.key }.flatMap { a, list in list.map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        let zohoOf = Dictionary(l.zoho.sorted { $0.key < $1.key }.flatMap { a, list in list.map { ($0, a) } }, uniquingKeysWith: { a, _ in a })
        for name in names.sorted() {
            guard let held = registrarOf[name] else {
                d.leftOut[name] = "not registered at any registrar account of the inventory"
                continue
            }
            let (registrar, registration) = held
            if registration.usesRegistrarDNS == false {
                d.leftOut[name] = "delegated away from \(registrar)'s DNS: reconcile serves the records from the registrar, and would point it back"
                continue
            }
            guard let mailgun = mailgunOf[name] else {
                d.leftOut[name] = "no Mailgun domain in any mailgun account: in a group, the plan would create one"
                continue
            }
            d.found.append(Found(name: name, registrar: registrar, registration: registration, mailgun: mailgun, zoho: zohoOf[name]))
        }
        return d
    }

    /// Reads the zones, then the mail platforms, of the selected domains.
    mutating func observe(_ inventory: Inventory, providers: FleetProviders, reader: CachedReader, request: ImportRequest) async throws {
        let zoneRead = try await RegistrarObserver(accounts: providers.registrars, reader: reader, concurrency: request.concurrency,
                                                   progress: request.zoneProgress)
            .observe(found.map { .init(domain: $0.name, account: $0.registrar) })
        for (name, why) in zoneRead.blocked { leftOut[name] = why }
        for (name, z) in zoneRead.zones { zones[name] = z.value }
        found.removeAll { zones[$0.name] == nil }

        request.progress?("reading the mail platforms of \(found.count) domains")
        let provisional = found.map { Self.provisional($0, inventory: inventory) }
        // The mail observer reports nothing until it is done: say it is still
        // at work every 30 s, so a long read at Zoho's 1/s is not mistaken for a hang.
        let started = Date()
        let ticker = Task { [progress = request.progress] in
            while true {
                try await Task.sleep(for: .seconds(30))
                progress?("still reading the mail platforms (\(Int(Date().timeIntervalSince(started))) s)")
            }
        }
        defer { ticker.cancel() }
        mail = try await MailObserver(accounts: providers.mail, reader: reader, concurrency: min(request.concurrency, 8))
            .observe(provisional)
        for (name, why) in mail.blocked { leftOut[name] = why }
        found.removeAll { mail.blocked[$0.name] != nil }

        for account in Set(found.compactMap(\.zoho)).sorted() {
            guard let client = providers.zoho[account] else { continue }
            do {
                for u in try await client.listUsers() {
                    guard let address = u.address?.lowercased() else { continue }
                    let full = [u.firstName, u.lastName].compactMap { $0?.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty }.joined(separator: " ")
                    if let name = u.displayName.flatMap({ $0.isEmpty ? nil : $0 }) ?? (full.isEmpty ? nil : full) {
                        displayNames[address] = name
                    }
                }
            } catch {
                // Display names only matter when a mailbox is created; the import goes on without them.
                request.progress?("warning: could not list the users of \(account) for their display names: \(error)")
            }
        }
    }

    /// Just enough of a desired domain for `MailObserver` to read its mail
    /// side: the pool it is in and, when Zoho holds it, the organisation.
    static func provisional(_ f: Found, inventory: Inventory) -> DesiredDomain {
        let region = inventory.account(named: f.mailgun)?.mailgun?.region ?? .us
        let zoho = f.zoho.flatMap { name in
            inventory.account(named: name)?.zoho.map {
                DesiredZohoDomain(ensure: .present, account: name, region: $0.region, orgID: $0.orgID, users: [])
            }
        }
        let registrar = inventory.account(named: f.registrar)?.kind ?? .porkbun
        return DesiredDomain(
            name: f.name, group: "import", role: .active, inRotation: true, inbound: zoho == nil ? .mailgunRouting : .zoho,
            registration: DesiredRegistration(account: f.registrar, registrar: registrar),
            records: [], mailgun: DesiredMailgunDomain(ensure: .present, account: f.mailgun, region: region, trackingPrefix: nil,
                                                       smtpCredentials: [], webhooks: [], routes: []),
            zoho: zoho, location: .builtIn)
    }
}
