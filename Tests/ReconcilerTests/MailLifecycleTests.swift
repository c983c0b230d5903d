import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// Retirement, hands-off, crash recovery, staleness and a missing secret,
/// on the same emulator world as MailEndToEndTests.
@Suite(.serialized) struct MailLifecycleTests {
    static func retire(_ file: String, _ text: String) -> String {
        if file.hasSuffix("eu-outreach.yaml") {
            return text.replacingOccurrences(of: "  - name: acmehq.eu\n    registrar: porkbun\n",
                                             with: "  - name: acmehq.eu\n    registrar: porkbun\n    role: retired\n")
        }
        return text.replacingOccurrences(of: "role: spare", with: "role: retired")
    }

    static func create(_ domain: String, _ kind: ResourceKind, _ identity: String = "") -> ActionID {
        ActionID(.create, ResourceAddress(domain: domain, kind: kind, identity: identity))
    }

    @Test func retiringDomainsTearsDownTheirMailAndNothingElse() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            guard case .converged = try await world.converge(domains) else { Issue.record("setup did not converge"); return }
            // Things the inventory does not name, in the same accounts.
            let us = try #require(world.accounts.mailgun["mailgun-us"]), eu = try #require(world.accounts.mailgun["mailgun-eu"])
            _ = try await us.createDomain(MailgunDomainSpec(name: "someone-else.com", dkimKeySize: 1024))
            _ = try await eu.createRoute(MailgunRouteSpec(priority: 5, description: "hand-made: replies", expression:
                MailgunRouteDSL.matchRecipient(pattern: ".*@acmehq.eu"), actions: [MailgunRouteDSL.forward("ops@elsewhere.example")]))
            let zoho = try #require(world.accounts.zoho["zoho"])
            _ = try await zoho.addUser(ZohoNewUser(primaryEmailAddress: "intern@acme-mail.com", password: "intern-password-1"))

            let (retired, _) = try ExampleInventory.porkbunDomains(edit: Self.retire)
            #expect(retired.filter { $0.role == .retired }.map(\.name) == ["acmehq.eu", "getacme.io"])
            let plan = try await world.plan(retired)
            let mail = plan.actions.filter { $0.address.kind != .dnsRecord }
            #expect(mail.map(\.id.rawValue).sorted() == [
                "delete:acmehq.eu/mailgunDomain/", "delete:acmehq.eu/mailgunRoute/reconcile: lena@acmehq.eu",
                "delete:getacme.io/mailgunDomain/", "delete:getacme.io/zohoDomain/", "delete:getacme.io/zohoUser/erin@getacme.io",
            ])
            #expect(mail.allSatisfy { $0.note == "retired domain" })
            #expect(plan.action("delete:getacme.io/zohoDomain/")?.dependsOn == ["delete:getacme.io/zohoUser/erin@getacme.io"])
            #expect(plan.actions.allSatisfy { $0.address.domain != "acme-mail.com" })
            // The retired domains' mail records go too (ours by ownership, DKIM included).
            let recordDeletes = plan.actions.filter { $0.address.kind == .dnsRecord && $0.operation == .delete }
            #expect(recordDeletes.contains { $0.address.domain == "getacme.io" && $0.address.identity.hasPrefix("mg._domainkey TXT") })
            #expect(recordDeletes.contains { $0.address.domain == "getacme.io" && $0.address.identity.hasPrefix("@ TXT zoho-verification=") })
            #expect(plan.safetyViolations().contains { if case .tooManyTeardowns = $0 { true } else { false } } == false)

            guard case .converged = try await world.converge(retired) else { Issue.record("teardown did not converge"); return }
            #expect(await world.mailgunUS.domainNames() == ["acme-mail.com", "someone-else.com"])
            #expect(await world.mailgunEU.domainNames().isEmpty)
            #expect(await world.mailgunEU.routeDescriptions() == ["hand-made: replies"])
            #expect(await world.zoho.domainNames() == ["acme-mail.com"])
            #expect(await world.zoho.userAddresses() == ["alice@acme-mail.com", "bob@acme-mail.com", "intern@acme-mail.com"])
            #expect(await world.mailgunUS.domainState("acme-mail.com") == "active")
            let left = await world.dns.records(zone: "getacme.io")
            #expect(!left.contains { $0.value.contains("k=rsa") || $0.value.contains("zoho-verification") || $0.type == .MX })
            #expect(!(try await world.plan(retired)).hasChanges)
        }
    }

    @Test func interruptedCreatesAreReReadNeverRepeated() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            let plan = try await world.plan(domains)
            let euDomain = Self.create("acmehq.eu", .mailgunDomain)
            let route = Self.create("acmehq.eu", .mailgunRoute, "reconcile: lena@acmehq.eu")
            let zohoDomain = Self.create("getacme.io", .zohoDomain)
            // Run 1, one step at a time (the longest chain first: Zoho's domain before
            // the EU Mailgun domain): Zoho adds getacme.io but its answer is lost; the
            // run is killed right after the EU domain is created.
            let first = try await world.apply(plan, driver: world.driver {
                CrashAfterEffect(inner: $0, cancelAfter: [euDomain], unknownAfter: [zohoDomain])
            }, concurrency: 1)
            #expect(first.outcome(euDomain) == .unknown)
            #expect(first.outcome(zohoDomain) == .unknown)
            #expect(first.interrupted)
            #expect(await world.mailgunEU.domainNames() == ["acmehq.eu"])

            // Run 2 applies the same plan file: both are re-read (probe), not repeated;
            // the DKIM value is recovered so the record waiting for it is written.
            let second = try await world.apply(plan, driver: world.driver {
                CrashAfterEffect(inner: $0, cancelAfter: [], unknownAfter: [route])
            })
            #expect(second.outcome(euDomain) == .alreadyApplied)
            #expect(second.outcome(zohoDomain) == .alreadyApplied)
            let dkim = try #require(plan.actions.first { $0.address.domain == "acmehq.eu" && $0.address.identity.hasPrefix("mg._domainkey TXT") })
            #expect(second.outcome(dkim.id) == .succeeded)
            let verification = try #require(plan.actions.first { $0.address.domain == "getacme.io" && $0.address.identity.hasPrefix("@ TXT <verification.txt>") })
            #expect(second.outcome(verification.id) == .succeeded)
            #expect(second.outcome(route) == .unknown)
            #expect(await world.mailgunEU.routeDescriptions() == ["reconcile: lena@acmehq.eu"])

            // Run 3: the route created under a lost answer is found, not created again.
            let third = try await world.apply(plan)
            #expect(third.outcome(route) == .alreadyApplied)
            guard case .converged = try await world.converge(domains) else { Issue.record("did not converge"); return }
            #expect(await world.mailgunEU.routeDescriptions() == ["reconcile: lena@acmehq.eu"])
            #expect(await world.mailgunEU.domainState("acmehq.eu") == "active")
            #expect(await world.zoho.domainNames() == ["acme-mail.com", "getacme.io"])

            let journal = try await world.journalText()
            let derived = SMTPPasswordDeriver(masterSecret: MailWorld.canary).password(for: "lena@acmehq.eu", version: 1)
            #expect(!journal.contains(MailWorld.canary))
            #expect(!journal.contains(derived))
            #expect(journal.contains("re-read after an interrupted run: in effect"))
        }
    }

    @Test func changesBehindOurBackAreDriftAndMakeASavedPlanStale() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            guard case .converged = try await world.converge(domains) else { Issue.record("setup did not converge"); return }
            let us = try #require(world.accounts.mailgun["mailgun-us"])
            try await us.deleteWebhook("acme-mail.com", type: .delivered)
            let saved = try await world.plan(domains, refresh: .full)
            #expect(saved.actions.map(\.id) == ["create:acme-mail.com/mailgunWebhook/delivered"])
            #expect(saved.fingerprint.observed["acme-mail.com/mailgunDomain/"] != nil)
            try await us.deleteCredential("acme-mail.com", login: "bob@acme-mail.com")
            let now = try await world.plan(domains, refresh: .full)
            #expect(now.actions.map(\.id) == ["create:acme-mail.com/mailgunCredential/bob@acme-mail.com",
                                              "create:acme-mail.com/mailgunWebhook/delivered"])
            #expect(throws: StalePlan.self) { try saved.checkFresh(against: now.fingerprint) }
            #expect(try await world.apply(now).converged)
            #expect(!(try await world.plan(domains)).hasChanges)
        }
    }

    @Test func smtpPasswordRotationIsAVersionBump() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            guard case .converged = try await world.converge(domains) else { Issue.record("setup did not converge"); return }
            let v1 = SMTPPasswordDeriver(masterSecret: MailWorld.canary)
            #expect(await world.mailgunEU.credentialPassword("acmehq.eu", login: "lena@acmehq.eu") == v1.password(for: "lena@acmehq.eu", version: 1))

            let rotate = try await world.plan(domains, passwordVersion: 2)
            #expect(rotate.actions.allSatisfy { $0.operation == .update && $0.address.kind == .mailgunCredential })
            #expect(rotate.actions.map(\.address.identity).sorted()
                    == ["alice@acme-mail.com", "bob@acme-mail.com", "erin@getacme.io", "lena@acmehq.eu"])
            #expect(rotate.actions.first?.changedAttributes == ["passwordVersion"])
            #expect(try await world.apply(rotate).converged)
            #expect(await world.mailgunEU.credentialPassword("acmehq.eu", login: "lena@acmehq.eu") == v1.password(for: "lena@acmehq.eu", version: 2))
            #expect(await world.mailgunUS.credentialPassword("acme-mail.com", login: "alice@acme-mail.com")
                    == v1.password(for: "alice@acme-mail.com", version: 2))
            #expect(!(try await world.plan(domains, passwordVersion: 2)).hasChanges)
            // The journal holds the version, never the password.
            let journal = try await world.journalText()
            #expect(!journal.contains(v1.password(for: "lena@acmehq.eu", version: 2)))
            #expect(journal.contains("password.version"))
        }
    }

    @Test func unconfiguredAccountBlocksTheDomainAndItsZone() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            var accounts = world.accounts
            accounts.mailgun["mailgun-eu"] = nil
            let plan = try await world.plan(domains, accounts: accounts)
            #expect(plan.summary(for: "acmehq.eu")?.blocked == "no mailgun account \"mailgun-eu\" configured")
            #expect(plan.actions.allSatisfy { $0.address.domain != "acmehq.eu" })
            #expect(plan.actions.contains { $0.id == "create:acme-mail.com/mailgunDomain/" })
            // A Mailgun client of the wrong region for the pool blocks too.
            accounts.mailgun["mailgun-eu"] = world.accounts.mailgun["mailgun-us"]
            let wrong = try await world.plan(domains, accounts: accounts)
            #expect(wrong.summary(for: "acmehq.eu")?.blocked?.contains("region us, the inventory says eu") == true)
        }
    }

    @Test func noPasswordSecretMeansNoCredentialButAVisibleWait() async throws {
        try await MailEndToEndTests.withWorld { world, domains in
            var noSecret = domains
            for i in noSecret.indices where noSecret[i].name == "acme-mail.com" {
                noSecret[i].mailgun.smtpCredentials = noSecret[i].mailgun.smtpCredentials.map {
                    DesiredSMTPCredential(ensure: $0.ensure, login: $0.login, passwordSecret: nil)
                }
            }
            let plan = try await world.plan(noSecret)
            let credentials = plan.actions.filter { $0.address.kind == .mailgunCredential }
            #expect(credentials.filter { $0.address.domain == "acme-mail.com" }.map(\.operation) == [.wait, .wait])
            #expect(credentials.filter { $0.address.domain == "acme-mail.com" }.allSatisfy { $0.note?.contains("smtp_password_secret") == true })
            #expect(credentials.filter { $0.address.domain == "getacme.io" }.map(\.operation) == [.create])
            let summary = try await world.apply(plan)
            #expect(summary.pending.count >= 2)
            #expect(await world.mailgunUS.credentialLogins("acme-mail.com") == ["postmaster@acme-mail.com"])
        }
    }
}
