import DNSRecords
import Foundation
import Providers
import Sandbox
import Testing

/// A sandbox world kept in a directory (`SandboxWorld.start(home:)`): everything
/// built through the real clients — registrar records, Mailgun domains with
/// credentials, webhooks, routes and suppressions, Zoho domains and users — is
/// there again, equal, in the next world, and still verifies from the DNS view.
@Suite struct SandboxPersistenceTests {
    static let org = try! SandboxZohoOrg(region: "eu", orgID: "20104471")
    static let seed = SandboxSeed(domains: ["porkbun": ["acme-mail.com"], "namecheap": ["acme-outreach.net"]], zoho: org)

    /// Clients built from a world's descriptors, as the reconciler builds them.
    struct Clients {
        var porkbun: PorkbunProvider
        var namecheap: NamecheapProvider
        var mailgunUS: MailgunClient
        var zoho: ZohoClient

        init(_ world: SandboxWorld, zohoRegion: ZohoRegion = .eu, orgID: String = "20104471") throws {
            let p = try #require(world.service("porkbun")?.descriptor)
            let n = try #require(world.service("namecheap")?.descriptor)
            let m = try #require(world.service("mailgun-us")?.descriptor)
            let z = try #require(world.service("zoho")?.descriptor)
            porkbun = PorkbunProvider(client: PorkbunClient(
                baseURL: URL(string: p["url"]!)!, credentials: PorkbunCredentials(apiKey: p["apikey"]!, secretKey: p["secretapikey"]!),
                budget: .unlimited(), retry: MailSandbox.fastRetry))
            namecheap = NamecheapProvider(client: NamecheapClient(
                baseURL: URL(string: n["url"]!)!,
                credentials: NamecheapCredentials(apiUser: n["ApiUser"]!, apiKey: n["ApiKey"]!, userName: n["UserName"]!, clientIP: n["ClientIp"]!),
                budget: .unlimited(), retry: MailSandbox.fastRetry))
            mailgunUS = MailgunClient(region: .us, apiKey: m["api_key"]!, endpoint: URL(string: m["url"]!)!, retry: MailSandbox.fastRetry)
            zoho = ZohoClient(region: zohoRegion, orgID: orgID, clientID: z["client_id"]!, clientSecret: z["client_secret"]!,
                              refreshToken: z["refresh_token"]!, mailEndpoint: URL(string: z["url"]!)!,
                              accountsEndpoint: URL(string: z["accounts_url"]!)!, budget: .unlimited(), retry: MailSandbox.fastRetry)
        }
    }

    /// What the clients read back; compared before and after a restart.
    struct Observed: Equatable {
        var porkbunZone: ObservedZone
        var namecheapZone: ObservedZone
        var mailgunDomain: MailgunDomainResponse
        var credentials: [MailgunCredential]
        var webhooks: [String: [String]]
        var routes: [MailgunRoute]
        var bounces: [MailgunSuppression]
        var zohoDomain: ZohoDomain
        var zohoUsers: [ZohoUser]

        init(_ c: Clients) async throws {
            porkbunZone = try await c.porkbun.zone("acme-mail.com")
            namecheapZone = try await c.namecheap.zone("acme-outreach.net")
            mailgunDomain = try await c.mailgunUS.getDomain("acme-mail.com")
            credentials = try await c.mailgunUS.listCredentials("acme-mail.com").sorted { $0.login < $1.login }
            webhooks = try await c.mailgunUS.listWebhooks("acme-mail.com")
            routes = try await c.mailgunUS.allRoutes()
            bounces = try await c.mailgunUS.suppressions(.bounces, domain: "acme-mail.com")
            zohoDomain = try await c.zoho.getDomain("acme-outreach.net")
            zohoUsers = try await c.zoho.listUsers().sorted { $0.zuid.value < $1.zuid.value }
        }
    }

    static func tempHome() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-home-\(UUID().uuidString)/sandbox").path
    }

    @Test func everyServiceKeepsItsWorldAcrossRuns() async throws {
        let home = Self.tempHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        let before: Observed
        let firstRoute: String
        do {
            let world = try await SandboxWorld.start(home: home, seed: Self.seed, options: SandboxOptions(limits: false))
            do {
                let c = try Clients(world)
                // Mailgun: a domain whose records go to Porkbun (and so into the DNS view), verified.
                let created = try await c.mailgunUS.createDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 1024))
                let required = MailgunRequiredRecords(domain: "acme-mail.com", response: created, ttl: 600)
                _ = try await c.porkbun.apply(RecordChangeSet(domain: "acme-mail.com", create: required.sending))
                #expect(try await c.mailgunUS.verifyDomain("acme-mail.com").isActive)
                try await c.mailgunUS.createCredential("acme-mail.com", login: "alice@acme-mail.com", password: "derived-Password-1")
                _ = try await c.mailgunUS.createWebhook("acme-mail.com", type: .permanentFail, urls: ["https://hooks.example/webhooks/mailgun"])
                firstRoute = try await c.mailgunUS.createRoute(MailgunRouteSpec(
                    priority: 10, description: "reconcile: alice@acme-mail.com", expression: MailgunRouteDSL.matchRecipient(exactly: "alice@acme-mail.com"),
                    actions: [MailgunRouteDSL.forward("replies@acme-ops.com"), MailgunRouteDSL.stop])).id
                try await c.mailgunUS.addSuppression(.bounces, domain: "acme-mail.com",
                                                     MailgunSuppression(address: "gone@example.org", code: "550", error: "no such user"))

                // Zoho (EU organisation 20104471): a domain on Namecheap, verified by TXT, MX, SPF and DKIM, with a user.
                let zone = "acme-outreach.net"
                let added = try await c.zoho.addDomain(zone)
                let code = try #require(added.CNAMEVerificationCode)
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: [
                    DNSRecord(name: zone, type: .TXT, ttl: 1800, value: ZohoRegion.eu.verificationTXT(code: code)),
                ]))
                #expect(try await c.zoho.verifyDomainByTXT(zone))
                try await c.zoho.enableMailHosting(zone)
                let dkim = try await c.zoho.addDKIM(zone, selector: "zmail", keySize: 1024)
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: ZohoRegion.eu.mxHosts.map {
                    DNSRecord(name: zone, type: .MX, ttl: 1800, priority: $0.priority, value: $0.host)
                } + [
                    DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:zoho.eu ~all"),
                    DNSRecord(name: "zmail._domainkey.\(zone)", type: .TXT, ttl: 1800, value: try #require(dkim.publicKey)),
                ]))
                #expect(try await c.zoho.verifyMX(zone))
                #expect(try await c.zoho.verifySPF(zone))
                #expect(try await c.zoho.verifyDKIM(zone, dkimID: dkim.dkimId))
                try await c.zoho.makeDKIMDefault(zone, dkimID: dkim.dkimId)
                _ = try await c.zoho.addUser(ZohoNewUser(primaryEmailAddress: "carol@\(zone)", password: "Init-Pass-123", displayName: "Carol"))

                before = try await Observed(c)
                #expect(before.routes.map(\.id) == [firstRoute])
                #expect(before.credentials.map(\.login).contains("alice@acme-mail.com"))
                #expect(before.bounces.map(\.address) == ["gone@example.org"])
                #expect(before.zohoUsers.map(\.address) == ["carol@acme-outreach.net"])
            } catch { await world.stop(); throw error }
            await world.stop()   // saves
        }
        let path = home + "/" + SandboxWorld.stateFileName
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        let savedObject = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
        #expect(Set(savedObject.keys) == ["porkbun", "namecheap", "mailgun-us", "mailgun-eu", "zoho"])

        // Second run from the same directory and seed.
        let world = try await SandboxWorld.start(home: home, seed: Self.seed, options: SandboxOptions(limits: false))
        do {
            // Nothing changed by loading: the world saves to the very same bytes.
            let again = (home as NSString).deletingLastPathComponent + "/again.json"
            try world.saveState(to: again)
            #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == saved)

            let c = try Clients(world)
            let after = try await Observed(c)
            #expect(after == before)
            // The registrars republished their zones: verification works from the DNS view.
            #expect(await world.dnsView.allZones() == ["acme-mail.com", "acme-outreach.net"])
            #expect(try await c.mailgunUS.verifyDomain("acme-mail.com").isActive)
            #expect(try await c.mailgunUS.requireVerified("acme-mail.com").domain.isActive)
            #expect(try await c.zoho.verifyDomainByTXT("acme-outreach.net"))
            #expect(try await c.zoho.verifyMX("acme-outreach.net"))
            #expect(try await c.zoho.verifySPF("acme-outreach.net"))
            let key = try #require(after.zohoDomain.dkimDetailList?.first)
            #expect(key.isDefault?.isTrue == true)
            #expect(try await c.zoho.verifyDKIM("acme-outreach.net", dkimID: key.dkimId))
            // Ids keep counting: a new route does not reuse the first one's id.
            let second = try await c.mailgunUS.createRoute(MailgunRouteSpec(
                priority: 10, description: "second", expression: MailgunRouteDSL.catchAll, actions: [MailgunRouteDSL.stop]))
            #expect(second.id != firstRoute)
            #expect(try await c.mailgunUS.allRoutes().count == 2)
            // Already held: adding again is refused as at the real services.
            await #expect(throws: ProviderError.self) { try await c.mailgunUS.createDomain(MailgunDomainSpec(name: "acme-mail.com")) }
            await #expect(throws: ProviderError.self) { try await c.zoho.addDomain("acme-outreach.net") }
        } catch { await world.stop(); throw error }
        await world.stop()
    }

    @Test func seedDomainsMissingFromTheSavedWorldAreRegistered() async throws {
        let home = Self.tempHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        let kept = DNSRecord(name: "acme-mail.com", type: .TXT, ttl: 600, value: "kept across runs")
        do {
            let world = try await SandboxWorld.start(home: home, seed: SandboxSeed(domains: ["porkbun": ["acme-mail.com"]]),
                                                     options: SandboxOptions(limits: false))
            do {
                _ = try await Clients(world).porkbun.apply(RecordChangeSet(domain: "acme-mail.com", create: [kept]))
                try world.save()
            } catch { await world.stop(); throw error }
            await world.stop()
        }
        // The inventory gained two domains between the runs: the sandbox "buys" them.
        let seed = SandboxSeed(domains: ["porkbun": ["acme-mail.com", "getacme.io"], "namecheap": ["acme-mail.de"]])
        let world = try await SandboxWorld.start(home: home, seed: seed, options: SandboxOptions(limits: false))
        do {
            let c = try Clients(world, zohoRegion: .com, orgID: SandboxZohoOrg.default.orgID)
            #expect(try await c.porkbun.listDomains().map(\.name).sorted() == ["acme-mail.com", "getacme.io"])
            #expect(try await c.namecheap.listDomains().map(\.name) == ["acme-mail.de"])
            // The held domain is untouched (registering is idempotent), the new one is fresh.
            let held = try await c.porkbun.zone("acme-mail.com")
            #expect(held.records.filter { $0.type == .TXT } == [kept])
            let fresh = try await c.porkbun.zone("getacme.io")
            #expect(fresh.records.filter { $0.type == .TXT }.isEmpty)
            #expect(!fresh.registrarDefaults.isEmpty)   // parking rows of a freshly bought domain
            #expect(await world.dnsView.allZones() == ["acme-mail.com", "acme-mail.de", "getacme.io"])
            #expect(await world.dnsView.lookup("acme-mail.com", .TXT) == [kept])
        } catch { await world.stop(); throw error }
        await world.stop()
    }

    @Test func zohoAnswersForTheSeedsRegionAndOrganisation() async throws {
        let home = Self.tempHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        do {
            let world = try await SandboxWorld.start(home: home, seed: Self.seed, options: SandboxOptions(limits: false))
            do {
                let z = try #require(world.service("zoho")?.descriptor)
                #expect(z["region"] == "eu")
                #expect(z["org_id"] == "20104471")
                let c = try Clients(world)
                #expect(try await c.zoho.organizationZoid() == "20104471")
                // Another organisation id is not this emulator's.
                let other = try Clients(world, orgID: "20104472")
                await #expect(throws: ProviderError.self) { try await other.zoho.listDomains() }

                // EU verification wants the EU hosts and include: US ones do not pass.
                let zone = "acme-outreach.net"
                let code = try #require(try await c.zoho.addDomain(zone).CNAMEVerificationCode)
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: [
                    DNSRecord(name: zone, type: .TXT, ttl: 1800, value: ZohoRegion.com.verificationTXT(code: code)),
                ]))
                #expect(try await c.zoho.verifyDomainByTXT(zone) == false)
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: [
                    DNSRecord(name: zone, type: .TXT, ttl: 1800, value: ZohoRegion.eu.verificationTXT(code: code)),
                ]))
                #expect(try await c.zoho.verifyDomainByTXT(zone))
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: ZohoRegion.com.mxHosts.map {
                    DNSRecord(name: zone, type: .MX, ttl: 1800, priority: $0.priority, value: $0.host)
                } + [DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:zoho.com ~all")]))
                #expect(try await c.zoho.verifyMX(zone) == false)
                #expect(try await c.zoho.verifySPF(zone) == false)
                _ = try await c.namecheap.apply(RecordChangeSet(domain: zone, create: ZohoRegion.eu.mxHosts.map {
                    DNSRecord(name: zone, type: .MX, ttl: 1800, priority: $0.priority, value: $0.host)
                } + [DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:mailgun.org include:zoho.eu ~all")]))
                #expect(try await c.zoho.verifyMX(zone))
                #expect(try await c.zoho.verifySPF(zone))
            } catch { await world.stop(); throw error }
            await world.stop()
        }
        // A later run without a zoho seed (`reconcile sandbox --state`) keeps the saved organisation.
        let world = try await SandboxWorld.start(home: home, seed: SandboxSeed(), options: SandboxOptions(limits: false))
        do {
            let z = try #require(world.service("zoho")?.descriptor)
            #expect(z["region"] == "eu")
            #expect(z["org_id"] == "20104471")
            #expect(try await Clients(world).zoho.listDomains().map(\.domainName) == ["acme-outreach.net"])
        } catch { await world.stop(); throw error }
        await world.stop()
    }

    @Test func zohoOrganisationFromInventoryValuesIsChecked() throws {
        let org = try SandboxZohoOrg(region: "EU", orgID: "20104471")
        #expect(org.region == .eu && org.zoid == 20_104_471 && org.orgID == "20104471")
        let region = #expect(throws: SandboxZohoOrgError.self) { try SandboxZohoOrg(region: "mars", orgID: "1") }
        #expect(region?.description.contains("region 'mars'") == true)
        let id = #expect(throws: SandboxZohoOrgError.self) { try SandboxZohoOrg(region: "eu", orgID: "org-1") }
        #expect(id?.description.contains("org_id 'org-1'") == true)
    }

    @Test func unreadableSavedWorldIsAClearErrorAndSaveNeedsAFile() async throws {
        let home = Self.tempHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let path = home + "/" + SandboxWorld.stateFileName
        try Data("{\"porkbun\": ".utf8).write(to: URL(fileURLWithPath: path))
        let e = await #expect(throws: SandboxStateError.self) {
            try await SandboxWorld.start(home: home, seed: SandboxSeed(), options: SandboxOptions(limits: false))
        }
        #expect(e?.description.hasPrefix(path) == true)
        // A service part that does not decode names the service.
        try Data(#"{"mailgun-us": {"domains": 3}}"#.utf8).write(to: URL(fileURLWithPath: path))
        let part = await #expect(throws: SandboxStateError.self) {
            try await SandboxWorld.start(home: home, seed: SandboxSeed(), options: SandboxOptions(limits: false))
        }
        #expect(part?.description.contains("mailgun-us") == true)

        let world = try await SandboxWorld.start(seed: SandboxSeed(), options: SandboxOptions(limits: false))
        #expect(throws: SandboxStateError.self) { try world.save() }
        await world.stop()
    }
}
