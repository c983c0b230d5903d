import DNSRecords
import Foundation
import Hummingbird
@testable import Providers
import Sandbox
import Testing

/// Every Mailgun client call against the emulator over real HTTP on 127.0.0.1.
@Suite struct MailgunContractTests {
    @Test func domainsLifecycleWithSelectorAndKeySize() async throws {
        try await MailSandbox.withMailgun { emu, mg, _ in
            let created = try await mg.createDomain(MailgunDomainSpec(name: "Acme-Mail.com", dkimKeySize: 2048, dkimSelector: "mg2026"))
            #expect(created.domain.name == "acme-mail.com")
            #expect(created.domain.state == "unverified")
            let records = MailgunRequiredRecords(domain: "acme-mail.com", response: created)
            #expect(records.dkimSelectors == ["mg2026"])
            // A real RSA-2048 SubjectPublicKeyInfo: base64 of ~294 DER bytes.
            let dkim = try #require(records.dkim.first)
            #expect(dkim.value.hasPrefix("k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"))
            #expect(dkim.value.count > 255)
            #expect(records.receiving.map(\.value) == ["mxa.mailgun.org", "mxb.mailgun.org"])

            let other = try await mg.createDomain(MailgunDomainSpec(name: "second.example", dkimKeySize: 1024))
            let otherSelector = try #require(MailgunRequiredRecords(domain: "second.example", response: other).dkimSelectors.first)
            #expect(!otherSelector.isEmpty)
            let oneK = try #require(MailgunRequiredRecords(domain: "second.example", response: other).dkim.first)
            #expect(oneK.value.count < 255)   // 1024-bit key fits one string

            let got = try await mg.getDomain("acme-mail.com")
            #expect(got.message == nil)
            #expect(got.sendingDNSRecords == created.sendingDNSRecords)
            #expect(try await mg.requiredRecords("acme-mail.com").sending == records.sending)
            #expect(Set(try await mg.allDomains(pageSize: 1).map(\.name)) == ["acme-mail.com", "second.example"])
            #expect(try await mg.listDomains(state: "active").items.isEmpty)

            // Duplicate create: 400 `{"message": "This domain name is already taken"}`.
            let dup = await #expect(throws: ProviderError.self) { try await mg.createDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 1024)) }
            #expect(dup?.kind == .invalidRequest)
            #expect(dup?.code == "json.message")
            #expect(dup?.message == "This domain name is already taken")
            // ensureDomain turns that into the existing domain.
            #expect(try await mg.ensureDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 1024)).domain.id == created.domain.id)
            // Selector that is not an atom.
            let bad = await #expect(throws: ProviderError.self) { try await mg.createDomain(MailgunDomainSpec(name: "x.example", dkimSelector: "foo.bar")) }
            #expect(bad?.kind == .invalidRequest)

            #expect(try await mg.deleteDomain("second.example"))
            #expect(try await mg.deleteDomain("second.example") == false)
            let gone = await #expect(throws: ProviderError.self) { try await mg.getDomain("second.example") }
            #expect(gone?.kind == .notFound)
            #expect(await emu.domainNames() == ["acme-mail.com"])
        }
    }

    @Test func verifyIsOnlySuccessWhenActive() async throws {
        try await MailSandbox.withMailgun { _, mg, dns in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "verify.example", dkimKeySize: 1024))
            let pending = try await mg.verifyDomain("verify.example")
            #expect(!pending.isActive)
            #expect(pending.response.message == "Domain DNS records have been updated")
            #expect(pending.invalidRecords.count == 3)
            let refused = await #expect(throws: ProviderError.self) { try await mg.requireVerified("verify.example") }
            #expect(refused?.code == "unverified")
            #expect(refused?.httpStatus == 200)

            let req = try await mg.requiredRecords("verify.example")
            await MailSandbox.publish(dns, zone: "verify.example", req.sending)
            let active = try await mg.requireVerified("verify.example")
            #expect(active.domain.state == "active")
            #expect(active.sendingDNSRecords?.allSatisfy { $0.isValid } == true)
        }
    }

    @Test func credentialsLifecycle() async throws {
        try await MailSandbox.withMailgun { emu, mg, _ in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "cred.example", dkimKeySize: 1024))
            let derive = SMTPPasswordDeriver(masterSecret: "master-secret-for-tests")
            let pw1 = derive.password(for: "alice@cred.example", version: 1)
            try await mg.createCredential("cred.example", login: "alice", password: pw1)
            #expect(await emu.credentialPassword("cred.example", login: "alice@cred.example") == pw1)
            #expect(try await mg.listCredentials("cred.example").map(\.login).sorted() == ["alice@cred.example", "postmaster@cred.example"])

            let pw2 = derive.password(for: "alice@cred.example", version: 2)
            try await mg.changePassword("cred.example", login: "alice", password: pw2)
            #expect(await emu.credentialPassword("cred.example", login: "alice@cred.example") == pw2)

            // ensureCredential on an existing login changes the password, never duplicates.
            try await mg.ensureCredential("cred.example", login: "alice", password: pw1)
            try await mg.ensureCredential("cred.example", login: "bob@cred.example", password: derive.password(for: "bob@cred.example", version: 1))
            #expect(await emu.credentialLogins("cred.example") == ["alice@cred.example", "bob@cred.example", "postmaster@cred.example"])
            #expect(await emu.credentialPassword("cred.example", login: "alice@cred.example") == pw1)

            let short = await #expect(throws: ProviderError.self) { try await mg.createCredential("cred.example", login: "carol", password: "abc") }
            #expect(short?.kind == .invalidRequest)
            // The password never appears in the error.
            #expect(!(short?.description.contains("abc@") ?? true))
            let missing = await #expect(throws: ProviderError.self) { try await mg.changePassword("cred.example", login: "nobody", password: pw1) }
            #expect(missing?.kind == .notFound)
            #expect(missing?.message == "Credentials not found")
            let system = await #expect(throws: ProviderError.self) { try await mg.deleteCredential("cred.example", login: "postmaster") }
            #expect(system?.message == "Cannot delete system mailbox: postmaster@cred.example")

            #expect(try await mg.deleteCredential("cred.example", login: "alice"))
            #expect(try await mg.deleteCredential("cred.example", login: "alice") == false)
            #expect(await emu.credentialLogins("cred.example") == ["bob@cred.example", "postmaster@cred.example"])
        }
    }

    @Test func webhooksLifecycleAndReasonErrors() async throws {
        try await MailSandbox.withMailgun { emu, mg, _ in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "hooks.example", dkimKeySize: 1024))
            #expect(try await mg.listWebhooks("hooks.example").isEmpty)
            #expect(try await mg.createWebhook("hooks.example", type: .permanentFail, urls: ["https://hooks.example/mg"]) == ["https://hooks.example/mg"])
            let again = await #expect(throws: ProviderError.self) {
                try await mg.createWebhook("hooks.example", type: .permanentFail, urls: ["https://hooks.example/other"])
            }
            #expect(again?.code == "json.Reason")
            #expect(try await mg.updateWebhook("hooks.example", type: .permanentFail, urls: ["https://a.example/1", "https://a.example/2"]).count == 2)
            try await mg.ensureWebhook("hooks.example", type: .complained, urls: ["https://hooks.example/mg"])
            try await mg.ensureWebhook("hooks.example", type: .complained, urls: ["https://hooks.example/mg"])
            #expect(try await mg.listWebhooks("hooks.example") == ["permanent_fail": ["https://a.example/1", "https://a.example/2"],
                                                                     "complained": ["https://hooks.example/mg"]])
            let invalid = await #expect(throws: ProviderError.self) { try await mg.createWebhook("hooks.example", type: .unsubscribed, urls: ["not a url"]) }
            #expect(invalid?.kind == .invalidRequest)
            #expect(invalid?.code == "json.Reason")
            #expect(invalid?.message.contains("is not a valid url") == true)
            #expect(try await mg.deleteWebhook("hooks.example", type: .complained))
            #expect(try await mg.deleteWebhook("hooks.example", type: .complained) == false)
            #expect(await emu.webhookTypes("hooks.example").keys.sorted() == ["permanent_fail"])
        }
    }

    @Test func routesLifecycle() async throws {
        try await MailSandbox.withMailgun { emu, mg, _ in
            let spec = MailgunRouteSpec(priority: 10, description: "reconcile:alice@routes.example",
                                        expression: MailgunRouteDSL.matchRecipient(exactly: "alice@routes.example"),
                                        actions: [MailgunRouteDSL.forward("owner@elsewhere.example"), MailgunRouteDSL.stop])
            let r = try await mg.createRoute(spec)
            #expect(spec.matches(r))
            #expect(try await mg.getRoute(r.id) == r)
            let catchAll = try await mg.createRoute(MailgunRouteSpec(priority: 1000, description: "reconcile:catch-all",
                                                                     expression: MailgunRouteDSL.catchAll,
                                                                     actions: [MailgunRouteDSL.forward("ops@elsewhere.example")]))
            #expect(try await mg.allRoutes().map(\.id) == [r.id, catchAll.id])
            var changed = spec
            changed.actions = [MailgunRouteDSL.forward("new-owner@elsewhere.example"), MailgunRouteDSL.stop]
            let updated = try await mg.updateRoute(r.id, changed)   // flat answer
            #expect(updated.actions == changed.actions)
            #expect(updated.id == r.id)
            // ensureRoute with the same description converges without a new route.
            #expect(try await mg.ensureRoute(changed).id == r.id)
            #expect(try await mg.listRoutes().totalCount == 2)
            let bad = await #expect(throws: ProviderError.self) {
                try await mg.createRoute(MailgunRouteSpec(priority: 0, description: "x", expression: "match_everything()", actions: ["stop()"]))
            }
            #expect(bad?.kind == .invalidRequest)
            #expect(try await mg.deleteRoute(catchAll.id))
            #expect(try await mg.deleteRoute(catchAll.id) == false)
            let missing = await #expect(throws: ProviderError.self) { try await mg.getRoute(catchAll.id) }
            #expect(missing?.kind == .notFound)
            #expect(await emu.routeDescriptions() == ["reconcile:alice@routes.example"])
        }
    }

    @Test func suppressionsAllListsAndPaging() async throws {
        try await MailSandbox.withMailgun { _, mg, _ in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "sup.example", dkimKeySize: 1024))
            for i in (0..<7).reversed() {
                try await mg.addSuppression(.bounces, domain: "sup.example",
                                            MailgunSuppression(address: "u\(i)+tag@x.example", code: "550", error: "no such user"))
            }
            let all = try await mg.suppressions(.bounces, domain: "sup.example", pageSize: 3)
            #expect(all.map(\.address) == (0..<7).map { "u\($0)+tag@x.example" })   // alphabetical, all pages
            #expect(all.first?.code?.value == "550")
            try await mg.addSuppression(.complaints, domain: "sup.example", MailgunSuppression(address: "c@x.example"))
            try await mg.addSuppression(.unsubscribes, domain: "sup.example", MailgunSuppression(address: "u@x.example", tags: ["*"]))
            #expect(try await mg.suppression(.unsubscribes, domain: "sup.example", address: "u@x.example")?.tags == ["*"])
            #expect(try await mg.suppression(.complaints, domain: "sup.example", address: "c@x.example")?.address == "c@x.example")
            #expect(try await mg.suppression(.complaints, domain: "sup.example", address: "nobody@x.example") == nil)
            #expect(try await mg.deleteSuppression(.bounces, domain: "sup.example", address: "u3+tag@x.example"))
            let notThere = await #expect(throws: ProviderError.self) {
                // Without the 404-tolerant helper: the raw error carries the documented message.
                _ = try await mg.call("DELETE", "/v3/sup.example/bounces/u3%2Btag@x.example", idempotent: true, operation: "bounces.delete")
            }
            #expect(notThere?.message == "Address not found in bounces table")
            #expect(try await mg.suppressions(.bounces, domain: "sup.example").count == 6)
            #expect(try await mg.suppressions(.complaints, domain: "sup.example").count == 1)
        }
    }

    @Test func sendWithTagsHeadersVariablesThenEventsByMessageID() async throws {
        try await MailSandbox.withMailgun { emu, mg, dns in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "send.example", dkimKeySize: 1024))
            let message = MailgunOutgoingMessage(
                from: "Alice <alice@send.example>", to: ["bob@x.example", "bounced@x.example"], subject: "Hello", text: "Hi Bob",
                tags: ["g1", "warmup"], headers: [(name: "List-Unsubscribe", value: "<https://u.example/1>"),
                                                  (name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click")],
                variables: [(name: "outbox_id", value: "123")])
            // Unverified domains may not send.
            let refused = await #expect(throws: ProviderError.self) { try await mg.send(domain: "send.example", message) }
            #expect(refused?.httpStatus == 403)
            #expect(refused?.message.hasPrefix("Domain send.example is not allowed to send") == true)

            await MailSandbox.publish(dns, zone: "send.example", try await mg.requiredRecords("send.example").sending)
            _ = try await mg.requireVerified("send.example")
            try await mg.addSuppression(.bounces, domain: "send.example", MailgunSuppression(address: "bounced@x.example"))
            let sent = try await mg.send(domain: "send.example", message)
            #expect(sent.id.hasPrefix("<") && sent.id.hasSuffix("@send.example>"))
            #expect(sent.message == "Queued. Thank you.")
            let recorded = try #require(await emu.sentMessages().first)
            #expect(recorded.tags == ["g1", "warmup"])
            #expect(recorded.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")
            #expect(recorded.variables == ["outbox_id": "123"])

            let events = try await mg.events(domain: "send.example", messageID: sent.id)
            #expect(events.count == 4)
            // Paging: one event per page, `paging.next` followed until an empty page.
            #expect(try await mg.events(domain: "send.example", messageID: sent.bareMessageID, limit: 1).map(\.id) == events.map(\.id))
            #expect(events.allSatisfy { $0.message?.headers?.messageID == sent.bareMessageID })
            let bounced = try #require(events.first { $0.recipient == "bounced@x.example" && $0.event == "failed" })
            #expect(bounced.reason == "suppress-bounce")
            #expect(bounced.deliveryStatus?.code == 605)
            #expect(bounced.classification == .alreadySuppressed)
            #expect(events.first { $0.event == "delivered" }?.userVariables?["outbox_id"]?.stringValue == "123")

            let missing = await #expect(throws: ProviderError.self) {
                try await mg.send(domain: "send.example", MailgunOutgoingMessage(from: "a@send.example", to: ["b@x.example"], subject: "s"))
            }
            #expect(missing?.message == "Need at least one of 'text' or 'html' parameters specified")
            let badTo = await #expect(throws: ProviderError.self) {
                try await mg.send(domain: "send.example", MailgunOutgoingMessage(from: "a@send.example", to: ["not-an-address"], subject: "s", text: "t"))
            }
            #expect(badTo?.message == "to parameter is not a valid address. please check documentation")
            let noDomain = await #expect(throws: ProviderError.self) { try await mg.send(domain: "other.example", message) }
            #expect(noDomain?.kind == .notFound)
            #expect(noDomain?.message == "Domain not found: other.example")
        }
    }

    @Test(arguments: [429, 420])
    func sendingThrottleIsRetried(status: Int) async throws {
        try await MailSandbox.withMailgun { emu, mg, dns in
            _ = try await mg.createDomain(MailgunDomainSpec(name: "t.example", dkimKeySize: 1024))
            await MailSandbox.publish(dns, zone: "t.example", try await mg.requiredRecords("t.example").sending)
            _ = try await mg.requireVerified("t.example")
            emu.throttleNextSends(2, status: status)
            let start = Date()
            _ = try await mg.send(domain: "t.example", MailgunOutgoingMessage(from: "a@t.example", to: ["b@x.example"], subject: "s", text: "t"))
            // "try again after 1 seconds", twice.
            #expect(Date().timeIntervalSince(start) >= 1.9)
            #expect(emu.counters.requests("POST /v3/:id/messages") == 3)
            #expect(await emu.sentMessages().count == 1)
        }
    }

    @Test func authErrorShapesAndUnknownPath() async throws {
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .eu, dns: dns, apiKey: MailSandbox.apiKey, signingKey: MailSandbox.signingKey)
        do {
            let wrong = MailgunClient(region: .eu, apiKey: "key-wrong-wrong-wrong", endpoint: emu.url, retry: .none)
            let plain = await #expect(throws: ProviderError.self) {
                try await wrong.send(domain: "d.example", MailgunOutgoingMessage(from: "a@d.example", to: ["b@x.example"], subject: "s", text: "t"))
            }
            #expect(plain?.kind == .authentication)
            #expect(plain?.code == "text")
            #expect(plain?.message == "Forbidden")
            let json = await #expect(throws: ProviderError.self) { try await wrong.listDomains() }
            #expect(json?.kind == .authentication)
            #expect(json?.code == "json.message")
            #expect(json?.message == "Invalid private key")
            // The key never shows in an error.
            #expect(!(json?.description.contains("key-wrong-wrong-wrong") ?? true))
            let right = MailgunClient(region: .eu, apiKey: MailSandbox.apiKey, endpoint: emu.url, retry: .none)
            let html = await #expect(throws: ProviderError.self) {
                _ = try await right.call("GET", "/v3/lists/", idempotent: true, operation: "lists")
            }
            #expect(html?.kind == .notFound)
            #expect(html?.code == "html")
            #expect(try await right.webhookSigningKey() == MailSandbox.signingKey)
            // EU records come from the EU region.
            let eu = try await right.createDomain(MailgunDomainSpec(name: "eu.example", dkimKeySize: 1024))
            #expect(eu.receivingDNSRecords?.map(\.value) == ["mxa.eu.mailgun.org", "mxb.eu.mailgun.org"])
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }

    @Test func domainsThrottleBodyIsHonoured() async throws {
        let emu = try await MailgunEmulator.start(region: .us, dns: DNSView(), apiKey: MailSandbox.apiKey, signingKey: MailSandbox.signingKey,
                                                  limits: ServerRateLimits(windows: [RateWindow(limit: 2, seconds: 60)]))
        do {
            let clock = VirtualClock()
            // Virtual clock: the 60 s `retry-seconds` wait is observed, not slept.
            let mg = MailgunClient(region: .us, apiKey: MailSandbox.apiKey, endpoint: emu.url, budget: .unlimited(clock: clock),
                                   retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.1, totalBudget: 30), clock: clock)
            _ = try await mg.listDomains()
            _ = try await mg.listDomains()
            let throttled = await #expect(throws: ProviderError.self) { try await mg.listDomains() }
            #expect(throttled?.kind == .rateLimited)
            #expect(emu.counters.totalThrottled >= 1)
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }

    @Test func signedWebhooksReachAReceiverAndVerify() async throws {
        let received = Locked<[(MailgunWebhookPayload, Bool)]>([])
        let verifier = MailgunWebhookVerifier(signingKey: MailSandbox.signingKey)
        let router = Router(context: EmulatorContext.self)
        router.post("/mailgun") { request, context -> Response in
            var r = request
            let body = try await r.collectBody(upTo: 1 << 20)
            let payload = try JSONDecoder().decode(MailgunWebhookPayload.self, from: Data(body.readableBytesView))
            let ok = verifier.isAuthentic(payload.signature)
            received.withValue { $0.append((payload, ok)) }
            return Response(status: ok ? .ok : .notAcceptable)
        }
        let receiver = try await EmulatorServer.start(name: "receiver", router: router)
        do {
            try await MailSandbox.withMailgun { emu, mg, _ in
                _ = try await mg.createDomain(MailgunDomainSpec(name: "wh.example", dkimKeySize: 1024))
                let url = receiver.baseURL.absoluteString + "/mailgun"
                for type in [MailgunWebhookType.permanentFail, .complained, .unsubscribed] {
                    try await mg.ensureWebhook("wh.example", type: type, urls: [url])
                }
                #expect(await emu.emit(.permanentFail, domain: "wh.example", recipient: "gone@x.example", messageID: "<1.2@wh.example>") == [url: 200])
                #expect(await emu.emit(.complained, domain: "wh.example", recipient: "angry@x.example") == [url: 200])
                #expect(await emu.emit(.unsubscribed, domain: "wh.example", recipient: "bye@x.example") == [url: 200])
                let got = received.value
                #expect(got.count == 3)
                #expect(got.allSatisfy { $0.1 })
                #expect(got.map { $0.0.eventData.classification } == [.hardBounce, .complaint, .unsubscribe])
                #expect(got[0].0.eventData.message?.headers?.messageID == "1.2@wh.example")
                #expect(Set(got.map { $0.0.signature.token }).count == 3)
                // Mailgun adds hard bounces and complaints to the suppression lists itself.
                #expect(try await mg.suppression(.bounces, domain: "wh.example", address: "gone@x.example") != nil)
                #expect(try await mg.suppression(.complaints, domain: "wh.example", address: "angry@x.example") != nil)
                #expect(try await mg.suppression(.unsubscribes, domain: "wh.example", address: "bye@x.example")?.tags == ["*"])
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}
