import Foundation
import Providers
import Sandbox
import Sender
import Store
import Testing

/// The Mailgun HTTP transport (`messages.mime` through Providers' MailgunClient)
/// against the Sandbox Mailgun emulator over real HTTP on loopback.
@Suite(.serialized) struct MailgunHTTPTransportTests {
    static let apiKey = "key-0123456789abcdef0123456789abcdef"
    let mailbox = SendingMailbox(address: "alice@acme-mail.example", displayName: "Alice", group: "g1", dailyMax: 10, interval: SecondsRange(1, 1))
    let group = SendingGroup(name: "g1", hourlyCap: 10, pause: SecondsRange(1, 1))

    func message(_ to: String) throws -> BuiltMessage {
        let c = Campaign(id: "c", steps: [CampaignStep(subject: "Hello", text: "Hi")])
        let m = OutboxMessage(row: 1, campaign: "c", email: to, step: 0, group: "g1", timeZone: nil, state: .reserved, notBefore: 0,
                              mailbox: mailbox.address, messageID: nil, attempts: 0)
        return try testBuilder.build(record: MessageRecord(message: m, variables: [:], previousMessageID: nil), campaign: c,
                                     mailbox: mailbox, group: "g1", messageID: "<id-\(to)>", date: monday)
    }

    /// An emulator whose sending domain is verified; faults start disabled.
    func withEmulator(faults: FaultProfile = .none, _ body: (MailgunEmulator) async throws -> Void) async throws {
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: Self.apiKey, signingKey: "sign", faults: faults, seed: 3)
        emu.faults.setEnabled(false)
        do {
            let mg = MailgunClient(region: .us, apiKey: Self.apiKey, endpoint: emu.url, retry: .none)
            _ = try await mg.createDomain(MailgunDomainSpec(name: "acme-mail.example", dkimKeySize: 1024))
            await dns.publish(zone: "acme-mail.example", records: try await mg.requiredRecords("acme-mail.example").sending)
            _ = try await mg.requireVerified("acme-mail.example")
            try await body(emu)
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }

    func transport(_ emu: MailgunEmulator, key: String = "env:MG_KEY", env: [String: String] = ["MG_KEY": apiKey]) -> MailgunHTTPTransport {
        MailgunHTTPTransport(baseURL: emu.url.absoluteString, apiKey: key, environment: env,
                             retry: RetryPolicy(maxAttempts: 3, baseDelay: 0.05, maxDelay: 0.2, totalBudget: 5))
    }

    @Test func postsTheSameMIMEBytesAndClassifiesAnswers() async throws {
        try await withEmulator { emu in
            let ok = try message("ann@example.net")
            let r1 = await transport(emu).send(ok, mailbox: mailbox, group: group)
            #expect(r1.state == .accepted && r1.code == 200 && r1.text.contains("Queued"), "\(r1)")
            let sent = try #require(await emu.sentMessages().first)
            #expect(sent.recipients == ["ann@example.net"])
            #expect(sent.subject == "Hello")
            // Mailgun reads its own headers out of our MIME: the tag and the variables.
            #expect(sent.tags == ["c"])
            #expect(sent.variables == ["campaign": "c", "group": "g1", "message_id": "<id-ann@example.net>", "step": "0"])
            #expect(sent.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click")

            // Issue #18: a wrong domain (404), key (401) or a missing key is our configuration's
            // fault: the message stays planned and the group pauses; the key is never named.
            let other = SendingMailbox(address: "bob@other.example", group: "g1", dailyMax: 10, interval: SecondsRange(1, 1))
            let unknownDomain = await transport(emu).send(ok, mailbox: other, group: group)
            #expect(unknownDomain.state == .planned && unknownDomain.configFault == .group && unknownDomain.code == 404
                    && unknownDomain.text.contains("Domain not found"), "\(unknownDomain)")
            let wrongEndpoint = MailgunHTTPTransport(baseURL: emu.url.appendingPathComponent("nope").absoluteString, apiKey: "env:MG_KEY",
                                                     environment: ["MG_KEY": Self.apiKey], retry: .none)
            let notFound = await wrongEndpoint.send(ok, mailbox: mailbox, group: group)
            #expect(notFound.state == .planned && notFound.configFault == .group && notFound.code == 404, "\(notFound)")
            let wrongKey = await transport(emu, env: ["MG_KEY": "key-wrong"]).send(ok, mailbox: mailbox, group: group)
            #expect(wrongKey.state == .planned && wrongKey.configFault == .group && wrongKey.code == 401, "\(wrongKey)")
            #expect(!wrongKey.text.contains("key-wrong"))
            let missingKey = await transport(emu, key: "env:MG_NOPE", env: [:]).send(ok, mailbox: mailbox, group: group)
            #expect(missingKey.state == .planned && missingKey.configFault == .group && missingKey.text.contains("MG_NOPE"))
            // Throttled: retried with the answer's wait, then accepted.
            emu.throttleNextSends(1)
            #expect(await transport(emu).send(ok, mailbox: mailbox, group: group).state == .accepted)

            // messages.mime takes multipart only, as documented (mail-platforms.md §1.1).
            let auth = "Basic " + Data("api:\(Self.apiKey)".utf8).base64EncodedString()
            let form = try await CurlHTTPTransport().send(ProviderRequest(
                method: "POST", url: emu.url.appendingPathComponent("v3/acme-mail.example/messages.mime"),
                headers: ["Authorization": auth, "Content-Type": "application/x-www-form-urlencoded"],
                body: Data("to=ann%40example.net&message=x".utf8), timeout: 10, idempotent: false))
            #expect(form.status == 400 && String(decoding: form.body, as: UTF8.self).contains("Invalid request content type"))

            // Without a fixed account the group's own pool is used.
            var pooled = group
            pooled.mailgun = MailgunAPI(baseURL: emu.url.absoluteString, apiKey: "env:MG_KEY")
            #expect(await MailgunHTTPTransport(environment: ["MG_KEY": Self.apiKey]).send(ok, mailbox: mailbox, group: pooled).state == .accepted)
            #expect(await MailgunHTTPTransport(environment: ["MG_KEY": Self.apiKey]).send(ok, mailbox: mailbox, group: group).configFault == .group)
            #expect(await emu.sentMessages().count == 3)
        }
    }

    /// 403: Mailgun will not send from a domain it has not verified; ours to fix.
    @Test func anUnverifiedSendingDomainIsA403ConfigurationFault() async throws {
        try await withEmulator { emu in
            let mg = MailgunClient(region: .us, apiKey: Self.apiKey, endpoint: emu.url, retry: .none)
            _ = try await mg.createDomain(MailgunDomainSpec(name: "unverified.example", dkimKeySize: 1024))
            let carol = SendingMailbox(address: "carol@unverified.example", group: "g1", dailyMax: 10, interval: SecondsRange(1, 1))
            let r = await transport(emu).send(try message("ann@example.net"), mailbox: carol, group: group)
            #expect(r.state == .planned && r.configFault == .group && r.code == 403 && r.text.contains("not verified"), "\(r)")
            #expect(await emu.sentMessages().isEmpty)
        }
    }

    /// Classified by libcurl's code, never by text: an unresolvable host is
    /// curl 6, a self-signed certificate curl 60. Both are our configuration's
    /// fault and the message stays planned (not `unknown`: "connection lost,
    /// the write may have been applied", never resent).
    @Test func anUnresolvableHostOrAnUntrustedCertificateIsAConfigurationFault() async throws {
        let retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02, totalBudget: 5)
        func send(to base: String) async throws -> TransportResult {
            await MailgunHTTPTransport(baseURL: base, apiKey: "env:MG_KEY", environment: ["MG_KEY": Self.apiKey], retry: retry)
                .send(try message("ann@example.net"), mailbox: mailbox, group: group)
        }
        let unresolved = try await send(to: "https://\(unresolvableHost)")
        #expect(unresolved.state == .planned && unresolved.configFault == .group && unresolved.phase == .connect, "\(unresolved)")
        #expect(unresolved.text.contains("the API host does not resolve (") && unresolved.text.contains("curl 6: "), "\(unresolved)")

        let tls = try UntrustedTLSServer()
        defer { tls.stop() }
        let untrusted = try await send(to: tls.url)
        #expect(untrusted.state == .planned && untrusted.configFault == .group && untrusted.phase == .tls, "\(untrusted)")
        #expect(untrusted.text.contains("the API's TLS certificate does not verify (") && untrusted.text.contains("curl 60: "), "\(untrusted)")
        #expect(!unresolved.text.contains(Self.apiKey) && !untrusted.text.contains(Self.apiKey))
    }

    /// At most once: when the answer to the POST is lost (or is a 5xx), the message
    /// may have gone out, so the outcome is `unknown` and the request is never repeated.
    @Test func lostAnswerIsUnknownAndNeverResent() async throws {
        try await withEmulator(faults: FaultProfile(drop: 1, afterExecutionShare: 1)) { emu in
            emu.faults.setEnabled(true)
            let r = await transport(emu).send(try message("ann@example.net"), mailbox: mailbox, group: group)
            emu.faults.setEnabled(false)
            #expect(r.state == .unknown, "\(r)")
            #expect(emu.counters.requests("POST /v3/:id/:id") == 1)
            #expect(await emu.sentMessages().count == 1)        // it did go out
        }
        try await withEmulator(faults: FaultProfile(serverError: 1)) { emu in
            emu.faults.setEnabled(true)
            let r = await transport(emu).send(try message("ann@example.net"), mailbox: mailbox, group: group)
            emu.faults.setEnabled(false)
            #expect(r.state == .unknown && (r.code == 500 || r.code == 502), "\(r)")
            #expect(emu.counters.requests("POST /v3/:id/:id") == 1)
        }
        // Nothing listening: the request never left, so trying later is safe.
        let closed = MailgunHTTPTransport(baseURL: "http://127.0.0.1:9", apiKey: "env:MG_KEY", environment: ["MG_KEY": Self.apiKey],
                                          retry: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.02, totalBudget: 2))
        let r = await closed.send(try message("ann@example.net"), mailbox: mailbox, group: group)
        #expect(r.state == .deferred, "\(r)")
    }
}
