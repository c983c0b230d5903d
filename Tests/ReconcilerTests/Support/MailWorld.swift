import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox
import Store
@testable import Reconciler

/// The mail end-to-end world: Porkbun (registrar DNS), Mailgun US and EU and
/// Zoho (EU, the example inventory's organisation) emulators over real HTTP
/// on 127.0.0.1, all on one DNS view, so the mail platforms verify only what
/// the registrar really published. Planning and applying go exactly the way
/// the CLI does: RegistrarObserver + MailObserver through the observation
/// cache, addMail → addZone → addMailFollowUps, ApplyExecutor over a
/// RoutingDriver, ConvergeLoop, cache invalidation of touched resources.
final class MailWorld: Sendable {
    static let canary = "CANARY-smtp-master-secret-7f3a9c"
    static let mailgunKey = "key-mailworld000000000000000000000000"

    let dns: DNSView
    let porkbun: PorkbunEmulator
    let porkbunServer: EmulatorServer
    let namecheap: NamecheapEmulator
    let namecheapServer: EmulatorServer
    let mailgunUS: MailgunEmulator
    let mailgunEU: MailgunEmulator
    let zoho: ZohoEmulator
    /// Registrar DNS by the inventory's account name, and each domain's account.
    let registrars: [String: any RegistrarDNSProvider]
    let registrarOf: [String: String]
    let accounts: MailAccounts
    let store: StateStore
    let temp: TempStore
    let runs = RunLog()

    init(domains: [String], namecheapDomains: [String] = [], zohoOrg: String, faults: FaultProfile = .none,
         retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: 0.02, maxDelay: 0.1, totalBudget: 10),
         timeout: Double = 30) async throws {
        dns = DNSView()
        porkbun = PorkbunEmulator(dnsView: dns, limits: .unlimited)
        await porkbun.register(domains)
        porkbunServer = try await porkbun.start()
        namecheap = NamecheapEmulator(dnsView: dns, limits: .unlimited)
        await namecheap.register(namecheapDomains)
        namecheapServer = try await namecheap.start()
        mailgunUS = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: Self.mailgunKey, signingKey: "sign-us-000000",
                                               faults: faults, seed: 21)
        mailgunEU = try await MailgunEmulator.start(region: .eu, dns: dns, apiKey: Self.mailgunKey, signingKey: "sign-eu-000000",
                                               faults: faults, seed: 22)
        zoho = try await ZohoEmulator.start(region: .eu, dns: dns, clientID: "1000.MAILWORLD", clientSecret: "mailworld-client-secret",
                                            refreshToken: "1000.mailworld.refresh", orgID: Int64(zohoOrg)!,
                                            faults: faults, seed: 23)
        registrars = [
            "porkbun": PorkbunProvider(client: PorkbunClient(
                baseURL: porkbunServer.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                credentials: PorkbunCredentials(apiKey: porkbun.apiKey, secretKey: porkbun.secretKey), budget: .unlimited())),
            "namecheap": NamecheapProvider(client: NamecheapClient(
                baseURL: namecheapServer.baseURL.appendingPathComponent(NamecheapEmulator.path),
                credentials: NamecheapCredentials(apiUser: namecheap.apiUser, apiKey: namecheap.apiKey, clientIP: "127.0.0.1"),
                budget: .unlimited())),
        ]
        registrarOf = Dictionary(uniqueKeysWithValues: domains.map { ($0, "porkbun") } + namecheapDomains.map { ($0, "namecheap") })
        accounts = MailAccounts(
            mailgun: ["mailgun-us": MailgunClient(region: .us, apiKey: Self.mailgunKey, endpoint: mailgunUS.url, retry: retry, timeout: timeout),
                      "mailgun-eu": MailgunClient(region: .eu, apiKey: Self.mailgunKey, endpoint: mailgunEU.url, retry: retry, timeout: timeout)],
            zoho: ["zoho": ZohoClient(region: .eu, orgID: zoho.orgID, clientID: zoho.clientID, clientSecret: zoho.clientSecret,
                                      refreshToken: zoho.refreshToken, mailEndpoint: zoho.url, accountsEndpoint: zoho.url,
                                      budget: .unlimited(), retry: retry, timeout: timeout)])
        temp = TempStore()
        store = try temp.open()
    }

    func stop() async {
        await porkbunServer.stop()
        await namecheapServer.stop()
        await mailgunUS.stop()
        await mailgunEU.stop()
        await zoho.stop()
        temp.remove()
    }

    /// Requests the mail emulators have answered so far.
    var mailRequests: Int { mailgunUS.counters.totalRequests + mailgunEU.counters.totalRequests + zoho.counters.totalRequests }

    func plan(_ domains: [DesiredDomain], refresh: RefreshPolicy = .auto(maxAge: 3600),
              passwordVersion: Int = SMTPPasswordDeriver.currentVersion, accounts: MailAccounts? = nil) async throws -> Plan {
        let reader = CachedReader(cache: ObservationCache(store), policy: refresh)
        let registrar = try await RegistrarObserver(accounts: registrars, reader: reader, concurrency: 4)
            .observe(domains.map { .init(domain: $0.name, account: $0.registration.account) })
        let mail = try await MailObserver(accounts: accounts ?? self.accounts, reader: reader, concurrency: 4, journal: ApplyJournal(store))
            .observe(domains)
        var b = PlanBuilder(inventoryHash: "mail-world")
        for d in domains {
            if let why = registrar.blocked[d.name] { b.block(d.name, reason: why, role: d.role); continue }
            var m = try b.addMail(d, observed: mail)
            if m.blocked != nil { continue }
            let (targets, absent) = TargetRecord.from(d.records, resolve: m.resolve)
            var zone = try b.addZone(registrar.zones[d.name]!.value, role: d.role,
                                     capabilities: registrars[d.registration.account]!.capabilities,
                                     desired: targets, owned: try await OwnershipKey.owned(store, domain: d.name).union(absent))
            b.deferZohoDKIMRecord(&zone, mail: &m)
            try b.addMailFollowUps(d, observed: mail, mail: m, recordActions: zone.actions.map(\.id), passwordVersion: passwordVersion)
        }
        return try b.build()
    }

    func driver(wrapping: (@Sendable (any ResourceDriver) -> any ResourceDriver)? = nil) -> any ResourceDriver {
        let registrars = self.registrars, registrarOf = self.registrarOf
        var routes = accounts.drivers(secret: { $0 == "SMTP_MASTER_SECRET" ? MailWorld.canary : nil })
        routes[.dnsRecord] = RegistrarZoneDriver { d in registrarOf[d].flatMap { registrars[$0] } }
        let routing = RoutingDriver(routes)
        return wrapping?(routing) ?? routing
    }

    func apply(_ plan: Plan, driver: (any ResourceDriver)? = nil, concurrency: Int = 4) async throws -> ApplySummary {
        let executor = ApplyExecutor(store: store, driver: driver ?? self.driver(), concurrency: concurrency)
        let summary = try await executor.apply(plan)
        await runs.add(summary.runID)
        try await ObservationCache(store).invalidate(plan.touchedResources.map(\.description))
        return summary
    }

    func converge(_ domains: [DesiredDomain]) async throws -> ConvergeLoop.Result {
        try await ConvergeLoop(maxWait: 20, pause: 0.05).run(plan: { try await self.plan(domains) },
                                                             apply: { try await self.apply($0) })
    }

    /// Every journal entry's action, outputs and detail, as text.
    func journalText() async throws -> String {
        var out = ""
        for id in await runs.ids {
            for e in try await ApplyJournal(store).entries(run: id) {
                out += String(decoding: e.action, as: UTF8.self) + " " + e.outputs.description + " " + (e.detail ?? "") + "\n"
            }
        }
        return out
    }
}

actor RunLog {
    var ids: [String] = []
    func add(_ id: String) { ids.append(id) }
}

/// A driver that lets the real one act, then reports an interruption
/// (`CancellationError`) or a lost answer (`OutcomeUnknown`) for chosen
/// actions: the crash between a provider's effect and the journal's record.
struct CrashAfterEffect: ResourceDriver {
    let inner: any ResourceDriver
    let cancelAfter: Set<ActionID>
    let unknownAfter: Set<ActionID>

    func perform(_ step: ExecutionStep) async throws -> StepResult {
        let result = try await inner.perform(step)
        if step.actions.contains(where: { cancelAfter.contains($0.id) }) { throw CancellationError() }
        if step.actions.contains(where: { unknownAfter.contains($0.id) }) { throw OutcomeUnknown("answer lost after sending") }
        return result
    }

    func probe(_ action: PlanAction) async throws -> ProbeResult { try await inner.probe(action) }
}

enum ExampleInventory {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("inventory")
    }

    /// The example inventory's Porkbun domains, compiled; `edit` rewrites file texts first.
    static func porkbunDomains(edit: (String, String) -> String = { _, text in text }) throws -> (domains: [DesiredDomain], zohoOrg: String) {
        try domains(.porkbun, edit: edit)
    }

    static func domains(_ registrar: AccountKind, edit: (String, String) -> String = { _, text in text }) throws
        -> (domains: [DesiredDomain], zohoOrg: String) {
        let files = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".yaml") }.sorted()
        let loaded = try InventoryLoader().load(files: files.map { f in
            (file: "inventory/\(f)", text: edit(f, try! String(contentsOf: root.appendingPathComponent(f), encoding: .utf8)))
        })
        let desired = try DesiredStateCompiler.compile(loaded.inventory)
        let domains = desired.domains.filter { $0.registration.registrar == registrar }
        let org = domains.compactMap { $0.zoho?.orgID }.first ?? "1"
        return (domains, org)
    }
}
