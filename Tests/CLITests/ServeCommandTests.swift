import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing

/// `reconcile serve` as an operator runs it: a child process, real HTTP,
/// the emulators in the test process (they outlive a killed serve).
@Suite(.serialized) struct ServeCommandTests {
    static let inventory = CLIRunner.repositoryRoot + "/inventory"

    /// apply → enqueue with `bounce…` addresses → `serve --send`: sends go
    /// out over SMTP submission to the emulator, its webhooks come back, a
    /// mailbox crosses 10 % and is disabled, and it sends nothing after that.
    @Test func serveSendsHearsTheBouncesAndDisablesTheMailbox() async throws {
        let f = try await EngineFixture.start()
        do {
            // Fast limits, no window, a small sample: the loop in seconds, not days.
            try f.edit("fleet.yaml") { text in
                text.components(separatedBy: "\n").filter { line in
                    !["window:", "hours: \"09:00-17:00\"", "days: [mon, tue", "timezone: America/New_York", "recipient_local: true"]
                        .contains { line.trimmingCharacters(in: .whitespaces).hasPrefix($0) }
                }.joined(separator: "\n")
                .replacingOccurrences(of: "interval: 30s-60s", with: "interval: 1s")
                .replacingOccurrences(of: "pause: 30s-45s", with: "pause: 1s")
                .replacingOccurrences(of: "bounce_min_sample: 50", with: "bounce_min_sample: 4")
            }
            // Alerts go to the sandbox's Telegram, which keeps what it was sent.
            let telegram = try #require(f.world.service("telegram")?.descriptor)
            try f.edit("fleet.yaml") { text in
                text.replacingOccurrences(of: "    chat_id: \"-1001234567890\"",
                                          with: "    chat_id: \"\(telegram["chat_id"]!)\"\n    endpoint: \(telegram["url"]!)")
            }
            // The sender submits over SMTP to the emulator's port, its certificate verified against the CA file it wrote.
            let mailgun = try #require(f.world.service("mailgun-us")?.descriptor)
            try f.edit("fleet.yaml") { text in
                text.replacingOccurrences(of: "\n  mailgun-us:\n", with: "\n  mailgun-us:\n    smtp_endpoint: \(mailgun["smtp_url"]!)\n"
                                          + "    smtp_ca_file: \(mailgun["smtp_ca_file"]!)\n")
            }
            var environment = f.environment
            environment["TELEGRAM_BOT_TOKEN"] = telegram["bot_token"]
            #expect(try await f.converge(), "apply did not converge")
            FileManager.default.createFile(atPath: f.dir + "/campaign.yaml", contents: Data("""
                campaign: loop
                stop_on: [reply, bounce]
                steps:
                  - subject: "Hello {{first_name}}"
                    text: "Hi {{first_name}}"
                """.utf8))
            let names = (0..<12).map { "ok\($0)" } + (0..<4).map { "bounce\($0)" }
            FileManager.default.createFile(atPath: f.dir + "/recipients.csv",
                                           contents: Data(("email,first_name\n" + names.map { "\($0)@example.net,\($0)\n" }.joined()).utf8))
            let enq = try await CLIRunner.runAsync(CLIRunner.binary, ["enqueue", "--campaign", "campaign.yaml", "--recipients", "recipients.csv",
                                                                      "--group", "us-outreach", "--inventory", "inventory", "--state", "state.sqlite"],
                                                   cwd: f.dir, environment: f.environment)
            #expect(enq.status == 0, "\(enq.stderr)")

            let serve = try ServeProcess(["--inventory", "inventory", "--state", "state.sqlite", "--listen", "127.0.0.1:0",
                                          "--send"], cwd: f.dir, environment: environment)
            do {
                let url = try await serve.listening()
                // apply registered the webhooks at the public URL; the emulators deliver them here instead.
                for s in f.world.services { s.redirectWebhooks?(url) }
                let store = SQLiteSendingStore(try StateStore(path: f.dir + "/state.sqlite"))
                let deadline = Date().addingTimeInterval(180)
                var disabled: [MailboxHealthRecord] = []
                while Date() < deadline {
                    disabled = try store.mailboxHealth().values.filter { !$0.enabled }
                    if !disabled.isEmpty, try store.messages(state: .planned).isEmpty || Date() > deadline - 150 { break }
                    try await Task.sleep(nanoseconds: 200_000_000)
                }
                #expect(!disabled.isEmpty, "no mailbox disabled; serve said:\n\(serve.stderr)")
                #expect(try store.events(kind: .mailboxDisabled).count == disabled.count)
                #expect(try store.events(kind: .hardBounce).count >= 1)
                #expect(try store.feedbackCounts().byEvent["delivered", default: 0] >= 1)
                // Nothing was reserved on a disabled mailbox after it was disabled (the margin covers a
                // reservation decided while the disabling webhook was being processed).
                for h in disabled {
                    #expect(try store.allReservations().filter { $0.mailbox == h.address && $0.at > h.changedAt + 0.5 }.isEmpty)
                }
                #expect(serve.stderr.contains("disabled"))

                // One process, one alerter: each disabled mailbox is named in exactly one Telegram message.
                var sent: [[String: Any]] = []
                let alertDeadline = Date().addingTimeInterval(30)
                repeat {
                    try await Task.sleep(nanoseconds: 300_000_000)
                    let data = try Data(contentsOf: URL(string: telegram["url"]! + "/sent")!)
                    sent = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
                } while Date() < alertDeadline && !disabled.allSatisfy { h in sent.contains { ($0["text"] as? String ?? "").contains(h.address) } }
                for h in disabled {
                    #expect(sent.filter { ($0["text"] as? String ?? "").contains(h.address) }.count == 1, "alerts: \(sent)")
                }
                // What a person looks at, on the same listener (loopback: no auth needed).
                let health = try Data(contentsOf: URL(string: url + "/healthz")!)
                #expect(!health.isEmpty)
                let metrics = String(decoding: try Data(contentsOf: URL(string: url + "/metrics")!), as: UTF8.self)
                #expect(metrics.contains("reconcile_webhook_events_accepted_total"))
                let disabledGauge = metrics.split(separator: "\n").filter { $0.hasPrefix("reconcile_mailboxes{") && $0.contains("state=\"disabled\"") }
                    .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
                // The sender may still be disabling others meanwhile: between the counts before and after the scrape.
                let disabledAfter = try store.mailboxHealth().values.filter { !$0.enabled }.count
                #expect(Int(disabledGauge) >= disabled.count && Int(disabledGauge) <= disabledAfter, "\(metrics)")
                let page = String(decoding: try Data(contentsOf: URL(string: url + "/")!), as: UTF8.self)
                #expect(page.contains("<svg") && page.contains(disabled[0].address))
                #expect(await serve.terminate() == 0)
                #expect(serve.stderr.contains("serve: stopped"))
            } catch {
                await serve.stop()
                throw error
            }
            await serve.stop()
        } catch {
            await f.stop()
            throw error
        }
        await f.stop()
    }

    /// SIGKILL while the emulator is delivering webhooks: it retries whatever
    /// was not answered 200, a new serve takes them, and every event is
    /// counted exactly once.
    @Test func sigkillWhileWebhooksArriveCountsEveryEventExactlyOnce() async throws {
        let dns = DNSView()
        let key = "kill-test-signing-key"
        let apiKey = "key-kill-test-0000000000000000000000"
        let emu = try await MailgunEmulator.start(region: .us, dns: dns, apiKey: apiKey, signingKey: key)
        let dir = try CLIRunner.temporaryDirectory()
        var env = ProcessInfo.processInfo.environment
        // The signing key serve checks with; no API keys, so it calls no Mailgun API.
        env["MAILGUN_US_WEBHOOK_KEY"] = key
        env["MAILGUN_EU_WEBHOOK_KEY"] = "unused"
        env["UNSUBSCRIBE_SECRET"] = "kill-test-unsubscribe"
        for k in ["MAILGUN_US_API_KEY", "MAILGUN_EU_API_KEY"] { env.removeValue(forKey: k) }
        let args = ["--inventory", Self.inventory, "--state", dir + "/state.sqlite", "--listen"]
        var serve = try ServeProcess(args + ["127.0.0.1:0"], cwd: dir, environment: env)
        do {
            let url = try await serve.listening()
            let mg = MailgunClient(region: .us, apiKey: apiKey, endpoint: emu.url, retry: .none)
            _ = try await mg.createDomain(MailgunDomainSpec(name: "acme-mail.com", dkimKeySize: 1024))
            await dns.publish(zone: "acme-mail.com", records: try await mg.requiredRecords("acme-mail.com").sending)
            _ = try await mg.requireVerified("acme-mail.com")
            for t in [MailgunWebhookType.delivered, .permanentFail, .temporaryFail, .complained] {
                _ = try await mg.createWebhook("acme-mail.com", type: t, urls: [url + "/webhooks/mailgun"])
            }
            let kinds = ["ok", "bounce", "complain", "defer"]
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<80 {
                    g.addTask {
                        let to = "\(kinds[i % 4])\(i)@example.net"
                        let mime = "From: alice@acme-mail.com\r\nTo: \(to)\r\nMessage-ID: <kill\(i)@acme-mail.com>\r\nSubject: x\r\n\r\nbody\r\n"
                        _ = try await mg.sendMIME(domain: "acme-mail.com", to: [to], mime: Data(mime.utf8))
                    }
                }
                try await g.waitForAll()
            }
            // Kill it while deliveries are under way, then bring a new one up on the same port.
            let deadline = Date().addingTimeInterval(30)
            while emu.webhooks.counts.acknowledged < 10 && Date() < deadline { try await Task.sleep(nanoseconds: 5_000_000) }
            await serve.kill()
            let acknowledgedBeforeKill = emu.webhooks.counts.acknowledged
            try await Task.sleep(nanoseconds: 1_000_000_000)
            let port = String(url.split(separator: ":").last!)
            serve = try ServeProcess(args + ["127.0.0.1:\(port)"], cwd: dir, environment: env)
            try await serve.listening()
            let end = Date().addingTimeInterval(60)
            while emu.webhooks.counts.inFlight > 0 && Date() < end { try await Task.sleep(nanoseconds: 100_000_000) }
            let counts = emu.webhooks.counts
            #expect(counts.inFlight == 0 && counts.abandoned == 0, "\(counts)")
            #expect(acknowledgedBeforeKill < counts.scheduled, "the kill landed after every delivery")
            #expect(counts.attempts > counts.scheduled, "nothing was retried")
            let store = SQLiteSendingStore(try StateStore(path: dir + "/state.sqlite"))
            let fb = try store.feedbackCounts()
            // 80 sends: 60 delivered (20 of them complain later), 20 permanent and 20 temporary failures.
            #expect(counts.scheduled == 100)
            #expect(fb.total == counts.scheduled)
            #expect(fb.byEvent == ["delivered": 40, "failed": 40, "complained": 20])
            #expect(try store.events(kind: .hardBounce).count == 20)
            #expect(try store.events(kind: .complaint).count == 20)
            #expect(await serve.terminate() == 0)
        } catch {
            await serve.stop()
            await emu.stop()
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        await serve.stop()
        await emu.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func suppressAndUnsuppressAreRecordedAsEvents() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let state = ["--state", dir + "/state.sqlite"]
        let s = try CLIRunner.reconcile(["suppress", "Ann@Example.net", "bob@example.net", "--reason", "asked by phone"] + state, cwd: dir)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout == "ann@example.net: suppressed\nbob@example.net: suppressed\n")
        let again = try CLIRunner.reconcile(["suppress", "ann@example.net", "--reason", "twice"] + state, cwd: dir)
        #expect(again.stdout == "ann@example.net: already suppressed (asked by phone)\n")
        let u = try CLIRunner.reconcile(["unsuppress", "bob@example.net", "carl@example.net", "--reason", "typo"] + state, cwd: dir)
        #expect(u.status == 0)
        #expect(u.stdout == "bob@example.net: unsuppressed\ncarl@example.net: was not suppressed\n")
        let store = SQLiteSendingStore(try StateStore(path: dir + "/state.sqlite"))
        #expect(try store.suppressedEmails() == ["ann@example.net"])
        #expect(try store.events(kind: .suppressed).map { "\($0.email ?? "") \($0.detail)" } == ["ann@example.net asked by phone", "bob@example.net asked by phone"])
        #expect(try store.events(kind: .unsuppressed).map { "\($0.email ?? "") \($0.detail)" } == ["bob@example.net typo"])
        let bad = try CLIRunner.reconcile(["suppress", "not an address", "--reason", "x"] + state, cwd: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not an address"))
    }
}
