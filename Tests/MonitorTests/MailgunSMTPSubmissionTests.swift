import Foundation
import TestSupport
import Logging
import Monitor
import Providers
import Sandbox
import Sender
import ServiceLifecycle
import Store
import Testing

/// The Mailgun emulator's SMTP submission port, driven by real clients:
/// the sender's own libcurl transport (STARTTLS with the certificate
/// verified against the CA file the emulator wrote, AUTH with the password
/// apply derives) and Python's smtplib for the dialogue libcurl never gets
/// wrong. Webhooks go to `serve`'s real routes, which check the signature.
@Suite(.serialized) struct MailgunSMTPSubmissionTests {
    static let apiKey = "key-smtp-test-0000000000000000000000"
    static let master = "smtp-master-secret-for-the-test"

    /// An emulator whose `domains` are verified, each mailbox with the SMTP
    /// login apply gives it, and the webhooks registered at `hooks`.
    func withSubmission(_ h: MonitorHarness, _ body: (MailgunEmulator) async throws -> Void) async throws {
        let dns = DNSView()
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: Self.apiKey, signingKey: MonitorHarness.signingKey)
        do {
            let mg = MailgunClient(region: .us, apiKey: Self.apiKey, endpoint: emu.url, retry: .none)
            let deriver = SMTPPasswordDeriver(masterSecret: Self.master)
            for m in h.fleet.mailboxes {
                _ = try await mg.createDomain(MailgunDomainSpec(name: m.domain, dkimKeySize: 1024))
                await dns.publish(zone: m.domain, records: try await mg.requiredRecords(m.domain).sending)
                _ = try await mg.requireVerified(m.domain)
                try await mg.createCredential(m.domain, login: m.address,
                                              password: deriver.password(for: m.address, version: SMTPPasswordDeriver.currentVersion))
                for t in [MailgunWebhookType.delivered, .permanentFail] {
                    _ = try await mg.createWebhook(m.domain, type: t, urls: [h.base + "/webhooks/mailgun"])
                }
            }
            try await body(emu)
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }

    /// The harness's fleet, sending through the emulator's SMTP port as the inventory's `smtp_endpoint`/`smtp_ca_file` would.
    func smtpFleet(_ h: MonitorHarness, _ emu: MailgunEmulator) -> SendingFleet {
        var fleet = h.fleet
        for i in fleet.groups.indices { fleet.groups[i].smtp = SMTPEndpoint(url: emu.smtp.url, caInfo: emu.smtp.caFile) }
        for i in fleet.mailboxes.indices {
            fleet.mailboxes[i].smtpUsername = fleet.mailboxes[i].address
            fleet.mailboxes[i].smtpPassword = "env:SMTP_MASTER"
            fleet.mailboxes[i].smtpPasswordDerivation = SMTPPasswordDeriver.currentVersion
        }
        return fleet
    }

    @Test func mailSubmittedOverSMTPIsStoredAndItsBounceComesBackAsASignedFailedWebhook() async throws {
        try await MonitorHarness.with(minimumSample: 100) { h in
            try await withSubmission(h) { emu in
                // The certificate file is private, like everything the sandbox writes.
                let mode = try FileManager.default.attributesOfItem(atPath: emu.smtp.caFile)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                let campaign = Campaign(id: "smtp", steps: [CampaignStep(subject: "Hi", text: "Hello")])
                _ = try h.store.enqueue(campaign: campaign.record(group: "g1"),
                                        recipients: ["ok1", "bounce1"].map { Enrollment(email: "\($0)@example.net", timeZone: nil, variables: [:]) },
                                        now: Date().timeIntervalSince1970 - 1)
                let env = ["SMTP_MASTER": Self.master, "TEST_UNSUB": MonitorHarness.unsubscribeSecret]
                let sender = try SendService(fleet: smtpFleet(h, emu), store: h.store, transport: CurlSMTPTransport(environment: env, connectTimeout: 5),
                                             exitWhenIdle: true, environment: env) { _ in }
                let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
                try await ServiceGroup(configuration: ServiceGroupConfiguration(
                    services: [.init(service: sender, successTerminationBehavior: .gracefullyShutdownGroup)], logger: quiet)).run()
                let sent = try h.store.messages(state: .accepted)
                let all = try h.store.messages(state: nil)
                #expect(sent.count == 2, "\(all)")

                // Stored exactly as messages.mime stores it: our Message-ID, the tag and subject read from the MIME.
                let stored = await emu.sentMessages()
                #expect(Set(stored.flatMap(\.recipients)) == ["ok1@example.net", "bounce1@example.net"])
                for m in sent {
                    let s = try #require(stored.first { $0.recipients == [m.email] })
                    #expect(s.id == m.messageID)
                    #expect(s.tags == ["smtp"] && s.subject == "Hi")
                }

                // The webhooks: signed with the account's key, so serve's intake takes them, joined to our messages.
                let deadline = Date().addingTimeInterval(30)
                while emu.webhooks.counts.inFlight > 0 && Date() < deadline { try await Task.sleep(nanoseconds: 50_000_000) }
                #expect(emu.webhooks.counts.acknowledged == 2 && emu.webhooks.counts.abandoned == 0, "\(emu.webhooks.counts)")
                let fb = try h.store.feedbackCounts()
                #expect(fb.byEvent == ["delivered": 1, "failed": 1] && fb.unknownMessages == 0, "\(fb)")
                #expect(try h.store.events(kind: .hardBounce).count == 1)
                #expect(try h.store.suppression(email: "bounce1@example.net")?.reason == "hard bounce")
                #expect(try h.store.suppression(email: "ok1@example.net") == nil)
            }
        }
    }

    @Test func aWrongPasswordIsRefusedWith535AndNothingIsStored() async throws {
        try await MonitorHarness.with { h in
            try await withSubmission(h) { emu in
                let fleet = smtpFleet(h, emu)
                let box = fleet.mailboxes[0]
                let builder = MessageBuilder(unsubscribe: UnsubscribeLink(baseURL: "https://hooks.example.org/u", secret: "x"))
                let campaign = Campaign(id: "c", steps: [CampaignStep(subject: "Hello", text: "Hi")])
                let row = OutboxMessage(row: 1, campaign: "c", email: "ann@example.net", step: 0, group: "g1", timeZone: nil, state: .reserved,
                                        notBefore: 0, mailbox: box.address, messageID: nil, attempts: 0)
                let message = try builder.build(record: MessageRecord(message: row, variables: [:], previousMessageID: nil), campaign: campaign,
                                                mailbox: box, group: "g1", messageID: "<wrong-pw@\(box.domain)>", date: Date().timeIntervalSince1970)
                let wrong = await CurlSMTPTransport(environment: ["SMTP_MASTER": "not-the-master"], connectTimeout: 5)
                    .send(message, mailbox: box, group: fleet.groups[0])
                #expect(wrong.code == 535 && wrong.state != .accepted, "\(wrong)")
                #expect(await emu.sentMessages().isEmpty)
                // The right one, on the same port and certificate, goes through.
                let right = await CurlSMTPTransport(environment: ["SMTP_MASTER": Self.master], connectTimeout: 5)
                    .send(message, mailbox: box, group: fleet.groups[0])
                #expect(right.state == .accepted && right.code == 250, "\(right)")
                #expect(await emu.sentMessages().count == 1)
            }
        }
    }

    /// The dialogue in clear and its limits, through Python's smtplib (a client
    /// that, unlike libcurl, can be told to try AUTH before STARTTLS).
    @Test func authBeforeSTARTTLSIsRefusedAndTheDialogueKeepsItsOrder() async throws {
        try await MonitorHarness.with { h in
            try await withSubmission(h) { emu in
                let box = h.fleet.mailboxes[0].address
                let password = SMTPPasswordDeriver(masterSecret: Self.master).password(for: box, version: SMTPPasswordDeriver.currentVersion)
                let script = #"""
                    import base64, json, smtplib, ssl, sys
                    port, ca, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
                    out = {}
                    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
                    s.ehlo("client.example")
                    out["clear_features"] = sorted(s.esmtp_features)
                    plain = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
                    out["auth_in_clear"] = s.docmd("AUTH", "PLAIN " + plain)[0]
                    out["mail_in_clear"] = s.docmd("MAIL", "FROM:<" + user + ">")[0]
                    s.starttls(context=ssl.create_default_context(cafile=ca))
                    s.ehlo("client.example")
                    out["tls_features"] = sorted(s.esmtp_features)
                    out["mail_before_auth"] = s.docmd("MAIL", "FROM:<" + user + ">")[0]
                    out["auth_wrong"] = s.docmd("AUTH", "PLAIN " + base64.b64encode(b"\0" + user.encode() + b"\0wrong").decode())[0]
                    out["auth_login"] = s.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode())[0]
                    out["auth_login_password"] = s.docmd(base64.b64encode(password.encode()).decode())[0]
                    out["rcpt_before_mail"] = s.docmd("RCPT", "TO:<x@example.net>")[0]
                    out["too_big"] = s.docmd("MAIL", "FROM:<" + user + "> SIZE=999999999")[0]
                    body = "From: " + user + "\r\nTo: bounce9@example.net\r\nSubject: dots\r\nMessage-ID: <dots@x>\r\n\r\n.\r\n..two\r\nend\r\n"
                    out["refused"] = s.sendmail(user, ["bounce9@example.net"], body)
                    out["quit"] = s.quit()[0]
                    print(json.dumps(out))
                    """#
                let result = try await runPython(script, [String(emu.smtp.port), emu.smtp.caFile, box, password])
                #expect(result["clear_features"] as? [String] == ["8bitmime", "enhancedstatuscodes", "size", "starttls"], "\(result)")
                #expect(result["auth_in_clear"] as? Int == 530)
                #expect(result["mail_in_clear"] as? Int == 530)
                #expect(result["tls_features"] as? [String] == ["8bitmime", "auth", "enhancedstatuscodes", "size"])
                #expect(result["mail_before_auth"] as? Int == 530)
                #expect(result["auth_wrong"] as? Int == 535)
                #expect(result["auth_login"] as? Int == 334 && result["auth_login_password"] as? Int == 235)
                #expect(result["rcpt_before_mail"] as? Int == 503)
                #expect(result["too_big"] as? Int == 552)
                #expect((result["refused"] as? [String: Any])?.isEmpty == true && result["quit"] as? Int == 221)
                // smtplib dot-stuffed the body; the emulator took the dots off again.
                let stored = try #require(await emu.sentMessages().first)
                #expect(stored.recipients == ["bounce9@example.net"] && stored.id == "<dots@x>")
                #expect(stored.mime?.hasSuffix("\r\n\r\n.\r\n..two\r\nend\r\n") == true, "\(stored.mime ?? "")")
            }
        }
    }

    /// `python3 -c script args…`; its stdout is one JSON object.
    func runPython(_ script: String, _ args: [String]) async throws -> [String: Any] {
        let (status, data, problem) = try await offPool { () throws -> (Int32, Data, String) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", "-c", script] + args
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, data, problem)
        }
        guard status == 0, let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PythonClientError(text: "python exited \(status): \(problem)")
        }
        return object
    }

    struct PythonClientError: Error, CustomStringConvertible { var text: String; var description: String { text } }
}
