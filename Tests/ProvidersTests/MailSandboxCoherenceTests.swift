import DNSRecords
import Foundation
import Providers
import Sandbox
import Testing

/// The sandbox is one world: Mailgun and Zoho verify only from the records the
/// DNS view really holds, and scripted sequences survive 20 % injected faults
/// without duplicating anything.
@Suite struct MailSandboxCoherenceTests {
    @Test func mailgunVerifiesOnlyFromTheWorldsDNS() async throws {
        try await MailSandbox.withMailgun { emu, mg, dns in
            let created = try await mg.createDomain(MailgunDomainSpec(name: "coherent.example", dkimKeySize: 1024))
            let required = MailgunRequiredRecords(domain: "coherent.example", response: created)
            let selector = try #require(required.dkimSelectors.first)
            await MailSandbox.publish(dns, zone: "coherent.example", required.sending)
            #expect(try await mg.verifyDomain("coherent.example").isActive)
            #expect(await emu.domainState("coherent.example") == "active")

            // Remove the DKIM record: verification fails and names the DKIM record.
            await MailSandbox.unpublish(dns, zone: "coherent.example") { $0.name == "\(selector)._domainkey.coherent.example" }
            let v = try await mg.verifyDomain("coherent.example")
            #expect(!v.isActive)
            #expect(v.invalidRecords.compactMap(\.dkimSelector) == [selector])

            // A wrong DKIM value (another key) blocks too.
            await MailSandbox.publish(dns, zone: "coherent.example", [
                DNSRecord(name: "\(selector)._domainkey.coherent.example", type: .TXT, ttl: 300, value: "k=rsa; p=MIIBIjANBgkqhkiWRONG"),
            ])
            #expect(try await mg.verifyDomain("coherent.example").isActive == false)
            // A merged SPF with Zoho's include still counts for Mailgun, while an SPF without Mailgun's include does not.
            await MailSandbox.publish(dns, zone: "coherent.example", required.dkim + [
                DNSRecord(name: "coherent.example", type: .TXT, ttl: 300, value: "v=spf1 include:zoho.com ~all"),
            ])
            #expect(try await mg.verifyDomain("coherent.example").isActive == false)
            await MailSandbox.publish(dns, zone: "coherent.example", required.dkim + [
                DNSRecord(name: "coherent.example", type: .TXT, ttl: 300, value: "v=spf1 include:mailgun.org include:zoho.com ~all"),
            ])
            #expect(try await mg.verifyDomain("coherent.example").isActive)
        }
    }

    @Test func mailgunAndZohoShareOneDNSView() async throws {
        let dns = DNSView()
        try await MailSandbox.withMailgun(dns: dns) { _, mg, _ in
            try await MailSandbox.withZoho(dns: dns) { _, zoho, _ in
                let zone = "shared.example"
                let m = MailgunRequiredRecords(domain: zone, response: try await mg.createDomain(MailgunDomainSpec(name: zone, dkimKeySize: 1024)))
                let z = try await zoho.addDomain(zone)
                await MailSandbox.publish(dns, zone: zone, m.dkim + [
                    DNSRecord(name: zone, type: .TXT, ttl: 300, value: "v=spf1 include:mailgun.org include:zoho.com ~all"),
                    DNSRecord(name: zone, type: .TXT, ttl: 300, value: ZohoRegion.com.verificationTXT(code: z.CNAMEVerificationCode!)),
                ])
                #expect(try await zoho.verifyDomainByTXT(zone))
                #expect(try await zoho.verifySPF(zone))
                #expect(try await mg.verifyDomain(zone).isActive)
            }
        }
    }

    /// Repeats a step the way the next reconcile run would, until it succeeds.
    static func eventually<T>(_ what: String, _ step: () async throws -> T) async throws -> T {
        var last: (any Error)?
        for _ in 0..<12 {
            do { return try await step() } catch { last = error }
        }
        throw last!
    }

    @Test func scriptedMailgunSequenceUnderTwentyPercentFaults() async throws {
        let faults = FaultProfile.uniform(0.2, hangSeconds: 2.0)
        try await MailSandbox.withMailgun(faults: faults, seed: 2026) { emu, _, dns in
            let mg = MailgunClient(region: .us, apiKey: MailSandbox.apiKey, endpoint: emu.url, retry: MailSandbox.fastRetry, timeout: 1.5)
            let domains = ["f1.example", "f2.example", "f3.example"]
            let derive = SMTPPasswordDeriver(masterSecret: "fault-test-master")
            for d in domains {
                let created = try await Self.eventually("domain") { try await mg.ensureDomain(MailgunDomainSpec(name: d, dkimKeySize: 1024)) }
                await MailSandbox.publish(dns, zone: d, MailgunRequiredRecords(domain: d, response: created).sending)
                let active = try await Self.eventually("verify") { try await mg.requireVerified(d) }
                #expect(active.domain.isActive)
                for box in ["alice", "bob"] {
                    try await Self.eventually("credential") {
                        try await mg.ensureCredential(d, login: box, password: derive.password(for: "\(box)@\(d)", version: 1))
                    }
                    _ = try await Self.eventually("route") {
                        try await mg.ensureRoute(MailgunRouteSpec(priority: 10, description: "reconcile:\(box)@\(d)",
                                                                  expression: MailgunRouteDSL.matchRecipient(exactly: "\(box)@\(d)"),
                                                                  actions: [MailgunRouteDSL.forward("owner@elsewhere.example"), MailgunRouteDSL.stop]))
                    }
                }
                for type in [MailgunWebhookType.permanentFail, .complained, .unsubscribed] {
                    try await Self.eventually("webhook") { try await mg.ensureWebhook(d, type: type, urls: ["https://hooks.example/mailgun"]) }
                }
            }
            // A second full pass converges with nothing new.
            for d in domains {
                _ = try await Self.eventually("domain again") { try await mg.ensureDomain(MailgunDomainSpec(name: d)) }
                for box in ["alice", "bob"] {
                    _ = try await Self.eventually("route again") {
                        try await mg.ensureRoute(MailgunRouteSpec(priority: 10, description: "reconcile:\(box)@\(d)",
                                                                  expression: MailgunRouteDSL.matchRecipient(exactly: "\(box)@\(d)"),
                                                                  actions: [MailgunRouteDSL.forward("owner@elsewhere.example"), MailgunRouteDSL.stop]))
                    }
                }
            }
            #expect(emu.counters.totalFaults * 10 >= emu.counters.totalRequests)
            #expect(await emu.domainNames() == domains)
            let routes = await emu.routeDescriptions()
            #expect(routes.count == 6)
            #expect(Set(routes).count == routes.count)
            for d in domains {
                #expect(await emu.credentialLogins(d) == ["alice@\(d)", "bob@\(d)", "postmaster@\(d)"])
                #expect(await emu.credentialPassword(d, login: "alice@\(d)") == derive.password(for: "alice@\(d)", version: 1))
                #expect(await emu.webhookTypes(d) == ["permanent_fail": ["https://hooks.example/mailgun"],
                                                      "complained": ["https://hooks.example/mailgun"],
                                                      "unsubscribed": ["https://hooks.example/mailgun"]])
                #expect(await emu.domainState(d) == "active")
            }
        }
    }

    @Test func scriptedZohoSequenceUnderTwentyPercentFaults() async throws {
        let dns = DNSView()
        let emu = try await ZohoEmulator.start(dns: dns, clientID: "cid", clientSecret: "csecret-1234", refreshToken: "1000.rt.abc",
                                               faults: .uniform(0.2, hangSeconds: 2.0), seed: 99)
        do {
            let zoho = ZohoClient(region: .com, orgID: emu.orgID, clientID: "cid", clientSecret: "csecret-1234", refreshToken: "1000.rt.abc",
                                  mailEndpoint: emu.url, accountsEndpoint: emu.url, budget: .unlimited(), retry: MailSandbox.fastRetry,
                                  timeout: 1.0)
            for d in ["z1.example", "z2.example", "z3.example"] {
                let added = try await Self.eventually("add") { try await zoho.ensureDomain(d) }
                await MailSandbox.publish(dns, zone: d, [
                    DNSRecord(name: d, type: .TXT, ttl: 300, value: ZohoRegion.com.verificationTXT(code: added.CNAMEVerificationCode!)),
                ])
                #expect(try await Self.eventually("verify") { try await zoho.verifyDomainByTXT(d) })
                let key = try await Self.eventually("dkim") { try await zoho.ensureDKIM(d, selector: "zmail", keySize: 1024) }
                await MailSandbox.publish(dns, zone: d, [DNSRecord(name: "zmail._domainkey.\(d)", type: .TXT, ttl: 300, value: key.publicKey!)])
                #expect(try await Self.eventually("verify dkim") { try await zoho.verifyDKIM(d, dkimID: key.dkimId) })
                for box in ["ann", "ben", "cid"] {
                    _ = try await Self.eventually("user") {
                        try await zoho.ensureUser(ZohoNewUser(primaryEmailAddress: "\(box)@\(d)", password: "Str0ng!pass-\(box)"))
                    }
                }
            }
            #expect(emu.counters.totalFaults * 10 >= emu.counters.totalRequests)   // ≥ 10 % of requests really faulted
            #expect(await emu.domainNames() == ["z1.example", "z2.example", "z3.example"])
            #expect(await emu.userAddresses() == ["ann", "ben", "cid"].flatMap { b in ["z1", "z2", "z3"].map { "\(b)@\($0).example" } })
            emu.faults.setEnabled(false)
            for d in ["z1.example", "z2.example", "z3.example"] {
                #expect(try await zoho.dkimKeys(d).map(\.selector) == ["zmail"])
            }
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }
}

/// The same world with a real registrar in the loop: the Mailgun domain's records
/// are written through the Porkbun client to the Porkbun emulator, which publishes
/// its zones into the shared DNS view.
@Suite struct MailSandboxRegistrarTests {
    @Test func recordsWrittenAtPorkbunVerifyTheMailgunDomain() async throws {
        let dns = DNSView()
        let porkbun = PorkbunEmulator(dnsView: dns, limits: .unlimited)
        await porkbun.register(["acme-mail.com"])
        let server = try await porkbun.start()
        do {
            let client = PorkbunClient(baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                                       credentials: PorkbunCredentials(apiKey: porkbun.apiKey, secretKey: porkbun.secretKey),
                                       budget: .unlimited(), retry: MailSandbox.fastRetry, timeout: 5)
            let registrar = PorkbunProvider(client: client)
            try await MailSandbox.withMailgun(dns: dns) { _, mg, _ in
                let created = try await mg.createDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 2048))
                let required = MailgunRequiredRecords(domain: "acme-mail.com", response: created, ttl: 600)
                #expect(try await mg.verifyDomain("acme-mail.com").isActive == false)

                _ = try await registrar.apply(RecordChangeSet(domain: "acme-mail.com", create: required.sending))
                #expect(try await mg.verifyDomain("acme-mail.com").isActive)

                // Remove the DKIM record at the registrar: Mailgun verification fails again.
                let zone = try await registrar.zone("acme-mail.com")
                let dkim = zone.records.filter { $0.name.contains("._domainkey.") }
                #expect(dkim.count == 1)
                _ = try await registrar.apply(RecordChangeSet(domain: "acme-mail.com", delete: dkim))
                let after = try await mg.verifyDomain("acme-mail.com")
                #expect(!after.isActive)
                #expect(after.invalidRecords.compactMap(\.dkimSelector) == required.dkimSelectors)
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
