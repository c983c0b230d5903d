import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox
import Testing

/// The repository's `inventory/` in a sandbox world seeded from it: the records
/// the compiler derives for an EU domain (Mailgun EU pool, Zoho EU organisation
/// 20104471, Namecheap), with the provider-generated values filled in, make both
/// mail platforms verify — what a sandbox apply of the example inventory relies on.
@Suite struct SandboxInventoryVerificationTests {
    static var inventoryDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("inventory").path
    }

    /// What `reconcile sandbox --inventory` seeds (SandboxCommand.seed(fromInventory:)).
    static func seed(_ inventory: Inventory) throws -> SandboxSeed {
        var domains: [String: [String]] = [:]
        for d in inventory.domains {
            guard let kind = inventory.account(named: d.registrar)?.kind, kind.isRegistrar else { continue }
            domains[kind.rawValue, default: []].append(d.name)
        }
        let z = try #require(inventory.sortedAccounts.compactMap(\.zoho).first)
        return SandboxSeed(domains: domains, zoho: try SandboxZohoOrg(region: z.region.rawValue, orgID: z.orgID))
    }

    @Test func compiledRecordsOfAnEUDomainVerifyAtMailgunAndZoho() async throws {
        let inventory = try InventoryLoader().load(directory: Self.inventoryDirectory).inventory
        let desired = try DesiredStateCompiler.compile(inventory)
        let d = try #require(desired.domain(named: "acme-mail.de"))
        let zohoWanted = try #require(d.zoho)
        #expect(d.registration.registrar == .namecheap && d.mailgun.region == .eu && zohoWanted.region == .eu)

        let world = try await SandboxWorld.start(seed: try Self.seed(inventory), options: SandboxOptions(limits: false))
        do {
            let n = try #require(world.service("namecheap")?.descriptor)
            let namecheap = NamecheapProvider(client: NamecheapClient(
                baseURL: URL(string: n["url"]!)!,
                credentials: NamecheapCredentials(apiUser: n["ApiUser"]!, apiKey: n["ApiKey"]!, userName: n["UserName"]!, clientIP: n["ClientIp"]!),
                budget: .unlimited(), retry: MailSandbox.fastRetry))
            let m = try #require(world.service("mailgun-eu")?.descriptor)
            let mailgun = MailgunClient(region: .eu, apiKey: m["api_key"]!, endpoint: URL(string: m["url"]!)!, retry: MailSandbox.fastRetry)
            // The Zoho client exactly as the inventory's account describes it.
            let z = try #require(world.service("zoho")?.descriptor)
            let zoho = ZohoClient(region: zohoWanted.region, orgID: zohoWanted.orgID,
                                  clientID: z["client_id"]!, clientSecret: z["client_secret"]!, refreshToken: z["refresh_token"]!,
                                  mailEndpoint: URL(string: z["url"]!)!, accountsEndpoint: URL(string: z["accounts_url"]!)!,
                                  budget: .unlimited(), retry: MailSandbox.fastRetry)

            // Provider-generated values (1024-bit keys keep the test fast; the key size is not what is checked).
            let created = try await mailgun.createDomain(MailgunDomainSpec(name: d.name, dkimKeySize: 1024, dkimSelector: d.mailgun.dkimSelector))
            let mailgunDKIM = try #require(MailgunRequiredRecords(domain: d.name, response: created).dkim.first?.value)
            let code = try #require(try await zoho.addDomain(d.name).CNAMEVerificationCode)
            let zohoKey = try #require(try await zoho.addDKIM(d.name, selector: zohoWanted.dkimSelector, keySize: 1024).publicKey)

            // The compiled records, "known after apply" values resolved as apply resolves them.
            var records: [DNSRecord] = []
            for r in d.presentRecords {
                if let known = r.record { records.append(known); continue }
                let value: String
                switch r.purpose {
                case .mailgunDKIM: value = mailgunDKIM
                case .zohoDKIM: value = zohoKey
                case .zohoVerification: value = zohoWanted.verificationTXT(code: code)
                default: Issue.record("unexpected unknown value for \(r)"); continue
                }
                records.append(DNSRecord(name: r.name, type: r.type, ttl: r.ttl, priority: r.priority, value: value))
            }
            #expect(Set(records.map(\.type)).isSuperset(of: [.MX, .TXT]))
            _ = try await namecheap.apply(RecordChangeSet(domain: d.name, create: records))

            #expect(try await zoho.verifyDomainByTXT(d.name))
            try await zoho.enableMailHosting(d.name)
            #expect(try await zoho.verifyMX(d.name))
            #expect(try await zoho.verifySPF(d.name))
            let key = try #require(try await zoho.dkimKeys(d.name).first)
            #expect(try await zoho.verifyDKIM(d.name, dkimID: key.dkimId))
            #expect(try await mailgun.verifyDomain(d.name).isActive)
        } catch { await world.stop(); throw error }
        await world.stop()
    }
}
