import DNSRecords
import Foundation
import Inventory
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// The mail adapters end to end: the example inventory's Porkbun domains on
/// the Porkbun, Mailgun US/EU and Zoho emulators sharing one DNS view.
@Suite(.serialized) struct MailEndToEndTests {
    static func withWorld<T>(_ edit: (String, String) -> String = { _, t in t },
                             _ body: (MailWorld, [DesiredDomain]) async throws -> T) async throws -> T {
        let (domains, org) = try ExampleInventory.porkbunDomains(edit: edit)
        let world = try await MailWorld(domains: domains.map(\.name), zohoOrg: org)
        do {
            let r = try await body(world, domains)
            await world.stop()
            return r
        } catch {
            await world.stop()
            throw error
        }
    }

    static func ids(_ plan: Plan, _ op: Reconciler.Operation, _ kind: ResourceKind) -> [String] {
        plan.actions.filter { $0.operation == op && $0.address.kind == kind }.map { "\($0.address.domain)/\($0.address.identity)" }.sorted()
    }

    /// Namecheap writes whole zones: every record change of a domain is one
    /// batch. The mail dependencies (create → records → verify; verified →
    /// DKIM key → record → verify) never make a batch wait on itself.
    @Test func wholeZoneRegistrarConvergesWithoutBatchCycles() async throws {
        let (domains, org) = try ExampleInventory.domains(.namecheap)
        #expect(domains.map(\.name) == ["acme-mail.de", "acme-outreach.net", "try-acme.eu"])
        let world = try await MailWorld(domains: [], namecheapDomains: domains.map(\.name), zohoOrg: org)
        do {
            let first = try await world.plan(domains)
            // The Zoho DKIM record, planned behind the verification, is the zone's second write.
            #expect(first.actions.filter { $0.address.kind == .dnsRecord }.allSatisfy {
                $0.batch == "zone:\($0.address.domain)" + ($0.address.identity.hasPrefix("zmail._domainkey") ? ":after-zoho-verify" : "")
            })
            guard case .converged = try await world.converge(domains) else { Issue.record("not converged"); await world.stop(); return }
            #expect(await world.mailgunEU.domainNames() == ["acme-mail.de", "try-acme.eu"])
            #expect(await world.mailgunUS.domainNames() == ["acme-outreach.net"])
            #expect(await world.zoho.userAddresses() == ["anna@acme-mail.de", "carol@acme-outreach.net", "dave@acme-outreach.net",
                                                         "jonas@acme-mail.de", "max@try-acme.eu", "sofia@try-acme.eu"])
            // The operator's CAA record (extra_records) and the mail records share the zone.
            #expect(await world.dns.lookup("try-acme.eu", .CAA).count == 1)
            #expect(!(try await world.plan(domains)).hasChanges)
        } catch {
            await world.stop()
            throw error
        }
        await world.stop()
    }

    /// A route apply made before routes also forwarded to `/inbound/mailgun`
    /// is one update in the plan, applied in place (same id), then nothing.
    @Test func aRouteWithoutTheInboundForwardIsUpdatedInPlace() async throws {
        try await Self.withWorld { world, domains in
            guard case .converged = try await world.converge(domains) else { Issue.record("setup did not converge"); return }
            let eu = try #require(world.accounts.mailgun["mailgun-eu"])
            let route = try #require(try await eu.allRoutes().first { $0.description == "reconcile: lena@acmehq.eu" })
            #expect(route.actions == [MailgunRouteDSL.forward("replies@acme-ops.com"),
                                      MailgunRouteDSL.forward("https://hooks.acme-ops.com/inbound/mailgun"), MailgunRouteDSL.stop])
            _ = try await eu.updateRoute(route.id, MailgunRouteSpec(priority: route.priority, description: route.description, expression: route.expression,
                                                                    actions: [MailgunRouteDSL.forward("replies@acme-ops.com"), MailgunRouteDSL.stop]))
            // Read afresh, as `drift` and `--refresh full` do (the cache still holds what apply wrote).
            let plan = try await world.plan(domains, refresh: .full)
            #expect(Self.ids(plan, .update, .mailgunRoute) == ["acmehq.eu/reconcile: lena@acmehq.eu"], "\(TextRenderer().render(plan))")
            #expect(plan.actions.filter(\.operation.isChange).count == 1, "\(TextRenderer().render(plan))")
            guard case .converged = try await world.converge(domains) else { Issue.record("did not converge"); return }
            let after = try await eu.allRoutes().filter { $0.description == "reconcile: lena@acmehq.eu" }
            #expect(after.map(\.id) == [route.id])
            #expect(after.first?.actions == route.actions)
            #expect(!(try await world.plan(domains, refresh: .full)).hasChanges)
        }
    }

    @Test func emptyWorldConvergesAndReplansToNothing() async throws {
        try await Self.withWorld { world, domains in
            #expect(domains.map(\.name) == ["acme-mail.com", "acmehq.eu", "getacme.io"])
            let first = try await world.plan(domains)
            #expect(Self.ids(first, .create, .mailgunDomain) == ["acme-mail.com/", "acmehq.eu/", "getacme.io/"])
            // The whole Zoho chain is in the first plan: the DKIM key and the users wait
            // for the verification this plan makes (issue #13 §4).
            #expect(Self.ids(first, .create, .zohoDomain) == ["acme-mail.com/", "acme-mail.com/dkim:zmail", "getacme.io/", "getacme.io/dkim:zmail"])
            #expect(Self.ids(first, .create, .mailgunRoute) == ["acmehq.eu/reconcile: lena@acmehq.eu"])
            #expect(Self.ids(first, .create, .mailgunCredential).count == 4)
            #expect(Self.ids(first, .verify, .mailgunDomain).count == 3)
            #expect(Self.ids(first, .verify, .zohoDomain) == ["acme-mail.com/", "acme-mail.com/dkim:zmail", "getacme.io/", "getacme.io/dkim:zmail"])
            #expect(Self.ids(first, .create, .zohoUser) == ["acme-mail.com/alice@acme-mail.com", "acme-mail.com/bob@acme-mail.com",
                                                            "getacme.io/erin@getacme.io"])
            let zohoVerify = ActionID(.verify, ResourceAddress(domain: "getacme.io", kind: .zohoDomain))
            let keyCreate = ActionID(.create, ResourceAddress(domain: "getacme.io", kind: .zohoDomain, identity: "dkim:zmail"))
            #expect(first.action(keyCreate)?.dependsOn == [zohoVerify])
            #expect(first.action(ActionID(.create, ResourceAddress(domain: "getacme.io", kind: .zohoUser, identity: "erin@getacme.io")))?
                .dependsOn == [zohoVerify])
            // Its record is a second write of the zone, which the verification does not wait for.
            let zohoKey = try #require(first.actions.first { $0.address.domain == "getacme.io" && $0.address.identity.hasPrefix("zmail._domainkey TXT") })
            #expect(zohoKey.after?["value"] == .knownAfterApply(OutputReference(action: keyCreate, output: MailOutput.dkimValue)))
            #expect(zohoKey.batch == "zone:getacme.io:after-zoho-verify")
            #expect(first.action(zohoVerify)?.dependsOn.contains(zohoKey.id) == false)
            #expect(first.action(ActionID(.verify, ResourceAddress(domain: "getacme.io", kind: .zohoDomain, identity: "dkim:zmail")))?
                .dependsOn.contains(zohoKey.id) == true)
            // The DKIM TXT waits for the Mailgun domain's output, and depends on it.
            let dkim = try #require(first.actions.first { $0.address.domain == "acme-mail.com" && $0.address.identity.hasPrefix("mg._domainkey TXT") })
            let create = ActionID(.create, ResourceAddress(domain: "acme-mail.com", kind: .mailgunDomain))
            #expect(dkim.after?["value"] == .knownAfterApply(OutputReference(action: create, output: MailOutput.dkimValue)))
            #expect(dkim.dependsOn.contains(create))
            let verify = try #require(first.action(ActionID(.verify, ResourceAddress(domain: "acme-mail.com", kind: .mailgunDomain))))
            #expect(verify.dependsOn.contains(dkim.id))
            #expect(TextRenderer().render(first).contains("(known after apply)"))
            // Every mail action carries its account, for a plan applied by another process.
            for a in first.actions where a.address.kind != .dnsRecord {
                #expect((a.after ?? a.before)?["account"] != nil, "\(a.id)")
            }

            // A saved plan is applied by another process: every driver works from the action alone.
            let file = world.temp.dir.appendingPathComponent("plan.json").path
            try first.save(to: file)
            let loaded = try Plan.load(from: file)
            #expect(loaded == first)
            if ProcessInfo.processInfo.environment["RECONCILE_SHOW_PLAN"] != nil { print(TextRenderer().render(first)) }
            let applied = try await world.apply(loaded)
            #expect(applied.failed.isEmpty, "\(applied.sentence)")
            #expect(await world.mailgunUS.domainState("acme-mail.com") == "active")

            #expect(applied.converged, "\(applied.sentence)")

            // One apply did it all: the next plan has nothing left.
            let result = try await world.converge(domains)
            guard case .converged(let rounds) = result else { Issue.record("not converged: \(result)"); return }
            #expect(rounds == 0)

            #expect(await world.mailgunUS.domainNames() == ["acme-mail.com", "getacme.io"])
            #expect(await world.mailgunEU.domainNames() == ["acmehq.eu"])
            for d in ["acme-mail.com", "getacme.io"] { #expect(await world.mailgunUS.domainState(d) == "active") }
            #expect(await world.mailgunEU.domainState("acmehq.eu") == "active")
            #expect(await world.zoho.domainNames() == ["acme-mail.com", "getacme.io"])
            #expect(await world.zoho.userAddresses() == ["alice@acme-mail.com", "bob@acme-mail.com", "erin@getacme.io"])
            #expect(await world.mailgunEU.routeDescriptions() == ["reconcile: lena@acmehq.eu"])
            #expect(await world.mailgunUS.routeDescriptions().isEmpty)
            let hooks = await world.mailgunUS.webhookTypes("acme-mail.com")
            #expect(hooks["permanent_fail"] == ["https://hooks.acme-ops.com/webhooks/mailgun"])
            // The SMTP password Mailgun holds is the derived one, from the canary master secret.
            let derived = SMTPPasswordDeriver(masterSecret: MailWorld.canary).password(for: "alice@acme-mail.com", version: 1)
            #expect(await world.mailgunUS.credentialPassword("acme-mail.com", login: "alice@acme-mail.com") == derived)

            let again = try await world.plan(domains)
            #expect(!again.hasChanges, "\(TextRenderer().render(again))")

            // A warm cache under --refresh none reads nothing from the mail platforms.
            let before = world.mailRequests
            let cached = try await world.plan(domains, refresh: .none)
            #expect(!cached.hasChanges)
            #expect(world.mailRequests == before)
            // A full refresh reads each account listing once, not once per domain.
            let us = world.mailgunUS.counters
            let (lists, routes, gets) = (us.requests("GET /v4/domains"), us.requests("GET /v3/routes"), us.requests("GET /v4/domains/:id"))
            _ = try await world.plan(domains, refresh: .full)
            #expect(us.requests("GET /v4/domains") == lists + 1)
            #expect(us.requests("GET /v3/routes") == routes + 1)
            #expect(us.requests("GET /v4/domains/:id") == gets + 2)   // its two domains' DKIM records

            // No secret in any plan, journal entry or error.
            let secrets = [MailWorld.canary, derived]
            let json = try JSONRenderer().render(first)
            let journal = try await world.journalText()
            for s in secrets {
                #expect(!json.contains(s))
                #expect(!journal.contains(s))
            }
            #expect(journal.contains("dkim.value"))
        }
    }
}
