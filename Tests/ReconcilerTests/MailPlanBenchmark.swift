import DNSRecords
import Foundation
import Inventory
import Providers
import Store
import Testing
@testable import Reconciler

/// Not a test: `scripts/bench-mail-plan` runs it with RECONCILE_BENCH=1 and
/// reads the printed figures. The mail half of planning a converged fleet
/// from a warm observation cache (SQLite): MailObserver under
/// `--refresh none` (three cached observations per domain), then addMail +
/// addMailFollowUps. The clients point at a closed port: any API call
/// would block a domain, which the benchmark checks never happens.
@Suite struct MailPlanBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECONCILE_BENCH"] == "1"),
          arguments: [600, 6000])
    func warmCacheMailPlan(domains n: Int) async throws {
        let (examples, _) = try ExampleInventory.porkbunDomains()
        let template = try #require(examples.first { $0.name == "acme-mail.com" })
        let domains = (0..<n).map { Self.renamed(template, to: "fleet-\($0).example") }
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        try await ObservationCache(store).save(try domains.flatMap(Self.converged))

        let nowhere = URL(string: "http://127.0.0.1:9")!
        let accounts = MailAccounts(
            mailgun: ["mailgun-us": MailgunClient(region: .us, apiKey: "key-bench", endpoint: nowhere, retry: RetryPolicy(maxAttempts: 1))],
            zoho: ["zoho": ZohoClient(region: .eu, orgID: template.zoho!.orgID, clientID: "c", clientSecret: "s", refreshToken: "r",
                                      mailEndpoint: nowhere, accountsEndpoint: nowhere, retry: RetryPolicy(maxAttempts: 1))])
        let clock = ContinuousClock()
        let start = clock.now
        let observed = try await MailObserver(accounts: accounts, reader: CachedReader(cache: ObservationCache(store), policy: .none),
                                              concurrency: 8).observe(domains)
        let observedAt = clock.now
        var b = PlanBuilder(inventoryHash: "bench")
        for d in domains {
            let m = try b.addMail(d, observed: observed)
            try b.addMailFollowUps(d, observed: observed, mail: m, recordActions: [])
        }
        let plan = try b.build()
        let planned = clock.now
        #expect(observed.blocked.isEmpty)
        #expect(!plan.hasChanges, "\(plan.actions.prefix(3).map(\.id))")
        print("bench-mail-plan domains=\(n) observe_ms=\(ms(observedAt - start)) plan_ms=\(ms(planned - observedAt)) "
              + "total_ms=\(ms(planned - start)) peak_rss_kb=\(peakRSS())")
    }

    static func renamed(_ d: DesiredDomain, to name: String) -> DesiredDomain {
        var d = d
        let old = d.name
        func swap(_ s: String) -> String { s.replacingOccurrences(of: "@" + old, with: "@" + name) }
        d.name = name
        d.mailgun.smtpCredentials = d.mailgun.smtpCredentials.map { DesiredSMTPCredential(ensure: $0.ensure, login: swap($0.login), passwordSecret: $0.passwordSecret) }
        if var z = d.zoho {
            z.users = z.users.map { DesiredZohoUser(ensure: $0.ensure, address: swap($0.address), displayName: $0.displayName) }
            d.zoho = z
        }
        return d
    }

    /// The three observations of a converged domain, as the observer caches them.
    static func converged(_ d: DesiredDomain) throws -> [Observation] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let at = Date()
        let mg = MailgunDomainReading(domain: ObservedMailgunDomain(
            account: d.mailgun.account, region: .us, state: "active", dkimSelector: d.mailgun.dkimSelector,
            dkimValue: "k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", credentials: d.mailgun.smtpCredentials.map(\.login).sorted(),
            webhooks: Dictionary(uniqueKeysWithValues: d.mailgun.webhooks.map { ($0.event, [$0.url]) })))
        let routes = MailgunRoutesReading(account: d.mailgun.account, region: .us, routes: [])
        let z = d.zoho!
        let zoho = ZohoDomainReading(domain: ObservedZohoDomain(
            account: z.account, orgID: z.orgID, verified: true, hostingEnabled: true, verificationCode: "zb12345678",
            dkim: [ObservedZohoDKIM(id: "1", selector: z.dkimSelector, publicKey: "v=DKIM1; k=rsa; p=MIGf", verified: true, isDefault: true)],
            users: z.users.enumerated().map { ObservedZohoUser(address: $1.address, zuid: "\($0)", accountID: "\($0)", enabled: true) }))
        func row<V: Encodable>(_ a: ResourceAddress, _ v: V) throws -> Observation {
            Observation(address: a.description, domain: a.domain, kind: a.kind.rawValue, state: try e.encode(v),
                        hash: try PlanFingerprint.hash(of: v), observedAt: at)
        }
        return [try row(MailObservationAddress.mailgun(d.name), mg), try row(MailObservationAddress.routes(d.name), routes),
                try row(MailObservationAddress.zoho(d.name), zoho)]
    }

    func ms(_ d: Duration) -> Int { Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) }

    func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
