import DNSRecords
import Foundation
@testable import Providers
import Sandbox
import Testing

/// Every Zoho client call against the emulator over real HTTP on 127.0.0.1.
@Suite struct ZohoContractTests {
    @Test func tokenIsCachedAndRefreshedOnceOnExpiry() async throws {
        try await MailSandbox.withZoho { emu, zoho, _ in
            #expect(try await zoho.organizationZoid() == emu.orgID)
            _ = try await zoho.listDomains()
            _ = try await zoho.listUsers()
            #expect(await emu.tokensIssued() == 1)
            #expect(await zoho.tokens.refreshCount == 1)
            // The emulator expires every token: the next call gets 401 INVALID_OAUTHTOKEN,
            // refreshes exactly once and succeeds.
            await emu.expireAccessTokens()
            _ = try await zoho.listDomains()
            #expect(await emu.tokensIssued() == 2)
            #expect(emu.counters.requests("GET /api/organization/:id/domains") == 3)
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        try await MailSandbox.withZoho { emu, zoho, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<12 { group.addTask { _ = try await zoho.listDomains() } }
                try await group.waitForAll()
            }
            // Zoho caps live access tokens per refresh token (§2.1): one refresh for all twelve.
            #expect(await emu.tokensIssued() == 1)
            #expect(emu.counters.requests("GET /api/organization/:id/domains") == 12)
        }
    }

    @Test func shortLivedTokensAreRefreshedAheadOfExpiry() async throws {
        // 61 s lifetime minus the 60 s safety margin: every call after 1 s refreshes first.
        try await MailSandbox.withZoho(tokenLifetime: 61) { emu, zoho, _ in
            _ = try await zoho.listDomains()
            try await Task.sleep(nanoseconds: 1_200_000_000)
            _ = try await zoho.listDomains()
            #expect(await emu.tokensIssued() == 2)
            #expect(emu.counters.requests("GET /api/organization/:id/domains") == 2)   // no 401 round trip
        }
    }

    @Test func badRefreshTokenIsAnAuthenticationErrorWithoutLeaking() async throws {
        try await MailSandbox.withZoho { emu, _, _ in
            let bad = ZohoClient(region: .com, orgID: emu.orgID, clientID: emu.clientID, clientSecret: emu.clientSecret,
                                 refreshToken: "1000.revoked.refresh-token", mailEndpoint: emu.url, accountsEndpoint: emu.url,
                                 budget: .unlimited(), retry: .none)
            let e = await #expect(throws: ProviderError.self) { try await bad.listDomains() }
            #expect(e?.kind == .authentication)
            #expect(e?.code == "invalid_code")   // HTTP 200 with an `error` key
            #expect(!(e?.description.contains("1000.revoked.refresh-token") ?? true))
            let wrongClient = ZohoClient(region: .com, orgID: emu.orgID, clientID: "other", clientSecret: "nope-nope",
                                         refreshToken: emu.refreshToken, mailEndpoint: emu.url, accountsEndpoint: emu.url,
                                         budget: .unlimited(), retry: .none)
            let e2 = await #expect(throws: ProviderError.self) { try await wrongClient.listUsers() }
            #expect(e2?.code == "invalid_client")
        }
    }

    @Test func domainVerificationOnlyFromPublishedRecords() async throws {
        try await MailSandbox.withZoho { emu, zoho, dns in
            let added = try await zoho.addDomain("acme-mail.com")
            let code = try #require(added.CNAMEVerificationCode)
            #expect(code.hasPrefix("zb"))
            #expect(!added.isVerified)
            #expect(try await zoho.ensureDomain("acme-mail.com").CNAMEVerificationCode == code)
            let dup = await #expect(throws: ProviderError.self) { try await zoho.addDomain("acme-mail.com") }
            #expect(dup?.kind == .invalidRequest)

            // Not verified yet: MX check is a 400 "is not verified"; TXT check is a 200 with status false.
            let early = await #expect(throws: ProviderError.self) { try await zoho.verifyMX("acme-mail.com") }
            #expect(early?.message == "acme-mail.com is not verified")
            #expect(try await zoho.verifyDomainByTXT("acme-mail.com") == false)

            let zone = "acme-mail.com"
            await MailSandbox.publish(dns, zone: zone, [
                DNSRecord(name: zone, type: .TXT, ttl: 3600, value: ZohoRegion.com.verificationTXT(code: code)),
            ])
            #expect(try await zoho.verifyDomainByTXT(zone))
            #expect(try await zoho.verifyDomainByTXT(zone))   // DOMAIN_ALREADY_VERIFIED counts as verified
            try await zoho.enableMailHosting(zone)
            try await zoho.enableMailHosting(zone)            // MAILHOSTING_ALREADY_ENABLED is fine

            #expect(try await zoho.verifyMX(zone) == false)
            #expect(try await zoho.verifySPF(zone) == false)
            var records = await dns.records(zone: zone)
            records += ZohoRegion.com.mxHosts.map { DNSRecord(name: zone, type: .MX, ttl: 3600, priority: $0.priority, value: $0.host) }
            // A merged SPF (Mailgun + Zoho) passes: the verifier looks for its own include.
            records.append(DNSRecord(name: zone, type: .TXT, ttl: 3600, value: "v=spf1 include:mailgun.org include:zoho.com ~all"))
            await dns.publish(zone: zone, records: records)
            #expect(try await zoho.verifyMX(zone))
            #expect(try await zoho.verifySPF(zone))

            let dkim = try await zoho.addDKIM(zone, selector: "zmail", keySize: 2048)
            #expect(dkim.publicKey?.hasPrefix("v=DKIM1; k=rsa; p=MIIBIjAN") == true)
            #expect(dkim.isDefault?.isTrue == false)   // the echo is not the state
            #expect(try await zoho.ensureDKIM(zone, selector: "zmail").dkimId == dkim.dkimId)
            #expect(try await zoho.dkimKeys(zone).map(\.selector) == ["zmail"])
            #expect(try await zoho.verifyDKIM(zone, dkimID: dkim.dkimId) == false)
            let notYet = await #expect(throws: ProviderError.self) { try await zoho.makeDKIMDefault(zone, dkimID: dkim.dkimId) }
            #expect(notYet?.kind == .invalidRequest)
            await MailSandbox.publish(dns, zone: zone, [DNSRecord(name: "zmail._domainkey.\(zone)", type: .TXT, ttl: 3600, value: dkim.publicKey!)])
            #expect(try await zoho.verifyDKIM(zone, dkimID: dkim.dkimId))
            try await zoho.makeDKIMDefault(zone, dkimID: dkim.dkimId)
            let domain = try await zoho.getDomain(zone)
            #expect(domain.dkimDetailList?.first?.isDefault?.isTrue == true)
            #expect(domain.mxstatus == .text("enabled"))   // a string here, a bool from verify
            #expect(domain.spfstatus?.isTrue == true)
            #expect(Int64(domain.domainId!.value)! > 1 << 53)

            let hosted = await #expect(throws: ProviderError.self) { try await zoho.deleteDomain(zone) }
            #expect(hosted?.code == "RMV_HOSTING_BEFORE_DLT_DOMAIN")
            let missing = await #expect(throws: ProviderError.self) { try await zoho.getDomain("nope.example") }
            #expect(missing?.kind == .notFound)
            #expect(await emu.domainNames() == ["acme-mail.com"])
        }
    }

    @Test func usersLifecycle() async throws {
        try await MailSandbox.withZoho { emu, zoho, dns in
            let d = try await zoho.addDomain("team.example")
            await MailSandbox.publish(dns, zone: "team.example", [
                DNSRecord(name: "team.example", type: .TXT, ttl: 3600, value: ZohoRegion.com.verificationTXT(code: d.CNAMEVerificationCode!)),
            ])
            let early = await #expect(throws: ProviderError.self) {
                try await zoho.addUser(ZohoNewUser(primaryEmailAddress: "a@team.example", password: "Passw0rd!x"))
            }
            #expect(early?.message == "team.example is not verified")
            #expect(try await zoho.verifyDomainByTXT("team.example"))

            var created: [ZohoUser] = []
            for name in ["alice", "bob", "carol"] {
                created.append(try await zoho.addUser(ZohoNewUser(primaryEmailAddress: "\(name)@team.example", password: "Passw0rd!\(name)",
                                                                  firstName: name.capitalized, lastName: "Test")))
            }
            #expect(created.allSatisfy { Int64($0.zuid.value)! > 1 << 53 && $0.zuid != $0.accountId })
            // Paging by 2 with de-duplication by zuid.
            let listed = try await zoho.listUsers(pageSize: 2)
            #expect(listed.compactMap(\.address) == ["alice@team.example", "bob@team.example", "carol@team.example"])
            #expect(try await zoho.ensureUser(ZohoNewUser(primaryEmailAddress: "alice@team.example", password: "Passw0rd!a")).zuid == created[0].zuid)
            let dup = await #expect(throws: ProviderError.self) {
                try await zoho.addUser(ZohoNewUser(primaryEmailAddress: "bob@team.example", password: "Passw0rd!b"))
            }
            #expect(dup?.kind == .invalidRequest)

            try await zoho.disableUser(created[1])
            #expect(await emu.isUserEnabled("bob@team.example") == false)
            #expect(try await zoho.listUsers().first { $0.address == "bob@team.example" }?.isEnabled == false)
            try await zoho.enableUser(created[1])
            #expect(await emu.isUserEnabled("bob@team.example") == true)

            #expect(try await zoho.deleteUser(created[2]))
            #expect(try await zoho.deleteUser(created[2]) == false)
            #expect(await emu.userAddresses() == ["alice@team.example", "bob@team.example"])
        }
    }
}
