import DNSRecords
import Foundation
import Providers
import Sandbox
import Testing

/// The mail emulators joined into a sandbox world: the JSON line carries their url
/// and credentials, the credentials work, and everything shares one DNS view.
@Suite struct MailSandboxWorldTests {
    @Test func worldLineCarriesMailServicesWithWorkingCredentials() async throws {
        let world = try await SandboxWorld.start(seed: .demo, options: SandboxOptions(limits: true),
                                                 services: SandboxWorld.defaultServices + SandboxServiceFactory.mail)
        do {
            let line = world.descriptorJSON()
            #expect(!line.contains("\n"))
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: [String: String]])
            #expect(Set(obj.keys).isSuperset(of: ["mailgun-us", "mailgun-eu", "zoho", "telegram"]))
            #expect(Set(obj["mailgun-us"]!.keys) == ["url", "region", "api_key", "webhook_signing_key", "smtp_url", "smtp_ca_file"])
            #expect(Set(obj["zoho"]!.keys) == ["url", "accounts_url", "region", "org_id", "client_id", "client_secret", "refresh_token"])
            #expect(Set(obj["telegram"]!.keys) == ["url", "bot_token", "chat_id"])

            let us = obj["mailgun-us"]!, eu = obj["mailgun-eu"]!
            let mgUS = MailgunClient(region: .us, apiKey: us["api_key"]!, endpoint: URL(string: us["url"]!)!, retry: MailSandbox.fastRetry)
            let mgEU = MailgunClient(region: .eu, apiKey: eu["api_key"]!, endpoint: URL(string: eu["url"]!)!, retry: MailSandbox.fastRetry)
            #expect(try await mgUS.webhookSigningKey() == us["webhook_signing_key"])
            // The seeded Porkbun domain gets a Mailgun domain whose records land in the world's DNS view.
            let created = try await mgUS.createDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 1024))
            await MailSandbox.publish(world.dnsView, zone: "acme-mail.com", MailgunRequiredRecords(domain: "acme-mail.com", response: created).sending)
            #expect(try await mgUS.verifyDomain("acme-mail.com").isActive)
            #expect(try await mgEU.allDomains().isEmpty)   // regions are separate

            let z = obj["zoho"]!
            let zoho = ZohoClient(region: ZohoRegion(rawValue: z["region"]!)!, orgID: z["org_id"]!, clientID: z["client_id"]!,
                                  clientSecret: z["client_secret"]!, refreshToken: z["refresh_token"]!,
                                  mailEndpoint: URL(string: z["url"]!)!, accountsEndpoint: URL(string: z["accounts_url"]!)!,
                                  budget: .unlimited(), retry: MailSandbox.fastRetry)
            #expect(try await zoho.organizationZoid() == z["org_id"])

            let t = obj["telegram"]!
            let tg = TelegramClient(botToken: t["bot_token"]!, endpoint: URL(string: t["url"]!)!, retry: MailSandbox.fastRetry)
            #expect(try await tg.sendAlert(chatID: t["chat_id"]!, text: "sandbox up").text == "sandbox up")
        } catch { await world.stop(); throw error }
        await world.stop()
    }
}
