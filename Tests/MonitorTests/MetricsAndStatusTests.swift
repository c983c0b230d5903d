import Foundation
import TestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Inventory
import Monitor
import Providers
import Sender
import Store
import Testing

/// `/metrics`, `/healthz` and `/` on a real server over a real state file with sends in it.
@Suite(.serialized) struct MetricsAndStatusTests {
    /// g1: ann sent 20 this morning (2 hard bounces, 1 deferred, 1 unknown), bob 10
    /// last night and is disabled, cat is spare; g2: dan sent 5 (one complaint).
    /// One reply, an open apply failure, 7 messages still planned.
    static func populate(_ path: String) throws -> (FleetSnapshotSource, MonitorMetrics) {
        let state = try StateStore(path: path)
        let sending = SQLiteSendingStore(state)
        let alerts = AlertStore(state)
        var ann = Array(repeating: MessageState.accepted, count: 16)
        ann += [.rejected, .rejected, .deferred, .unknown]
        try recordSends(sending, campaign: "spring", group: "g1", mailbox: "ann@alpha.example", outcomes: ann, start: mondayMorning - 5400)
        try recordSends(sending, campaign: "night", group: "g1", mailbox: "bob@alpha.example",
                        outcomes: Array(repeating: .accepted, count: 10), start: mondayMorning - 12 * 3600)
        try recordSends(sending, campaign: "gamma", group: "g2", mailbox: "dan@gamma.example",
                        outcomes: Array(repeating: .accepted, count: 5), start: mondayMorning - 600)
        try sending.record(event: SendingEvent(at: mondayMorning - 60, kind: .complaint, email: "gamma-r0@example.net", mailbox: "dan@gamma.example"))
        try sending.record(event: SendingEvent(at: mondayMorning - 30, kind: .reply, email: "spring-r3@example.net", mailbox: "ann@alpha.example"))
        try sending.updateMailboxHealth(MailboxHealthRecord(address: "bob@alpha.example", enabled: false, reason: "bounce rate 12.0% (3 of 25)",
                                                            changedAt: mondayMorning - 100),
                                        event: SendingEvent(at: mondayMorning - 100, kind: .mailboxDisabled, mailbox: "bob@alpha.example"))
        try alerts.apply(AlertConditions.apply(succeeded: false, summary: "porkbun: HTTP 500 <b>&</b>"), at: mondayMorning - 50)
        let later = Campaign(id: "later", steps: [CampaignStep(subject: "s", text: "t")])
        _ = try sending.enqueue(campaign: later.record(group: "g2"),
                                recipients: (0..<7).map { Enrollment(email: "later\($0)@example.net", timeZone: nil, variables: [:]) },
                                now: mondayMorning)
        let metrics = MonitorMetrics()
        metrics.webhookAccepted(kind: "delivered")
        metrics.webhookAccepted(kind: "delivered")
        metrics.webhookRejected(reason: "signature")
        return (FleetSnapshotSource(fleet: monitorFleet(), sending: sending, alerts: alerts, clock: VirtualClock(start: mondayMorning)), metrics)
    }

    @Test func metricsParseAndCarryTheStateFilesFigures() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (source, metrics) = try Self.populate(dir.appendingPathComponent("state.sqlite").path)
        let server = try await MonitorServer.start { MetricsRoutes(source: source, metrics: metrics, access: .loopbackOnly).add(to: $0) }
        let response = try await httpGet(server.url.appendingPathComponent("metrics"))
        let health = try await httpGet(server.url.appendingPathComponent("healthz"))
        await server.stop()
        #expect(response.status == 200)
        #expect(response.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        let m = try PrometheusText(response.body)
        #expect(m.types["reconcile_sends"] == "gauge")
        #expect(m.types["reconcile_webhook_events_accepted_total"] == "counter")
        #expect(m.value("reconcile_sends", ["group": "g1", "result": "accepted"]) == 26)
        #expect(m.value("reconcile_sends", ["group": "g1", "result": "rejected"]) == 2)
        #expect(m.value("reconcile_sends", ["group": "g1", "result": "deferred"]) == 1)
        #expect(m.value("reconcile_sends", ["group": "g1", "result": "unknown"]) == 1)
        #expect(m.value("reconcile_sends", ["group": "g2", "result": "accepted"]) == 5)
        #expect(m.value("reconcile_sends_today", ["group": "g1"]) == 20)
        #expect(m.value("reconcile_sends_last_24h", ["group": "g1"]) == 30)
        #expect(abs((m.value("reconcile_bounce_rate", ["group": "g1"]) ?? -1) - 2.0 / 30) < 1e-9)
        #expect(m.value("reconcile_complaint_rate", ["group": "g2"]) == 0.2)
        #expect(m.value("reconcile_mailboxes", ["group": "g1", "state": "enabled"]) == 1)
        #expect(m.value("reconcile_mailboxes", ["group": "g1", "state": "disabled"]) == 1)
        #expect(m.value("reconcile_mailboxes", ["group": "g1", "state": "spare"]) == 1)
        #expect(m.value("reconcile_replies", ["group": "g1"]) == 1)
        #expect(m.value("reconcile_outbox_depth") == 8)
        #expect(m.value("reconcile_alert_queue_depth") == 1)
        #expect(m.value("reconcile_alerts_open") == 1)
        #expect(m.value("reconcile_webhook_events_accepted_total", ["kind": "delivered"]) == 2)
        #expect(m.value("reconcile_webhook_events_rejected_total", ["reason": "signature"]) == 1)
        #expect((m.value("reconcile_capacity_today", ["group": "g1"]) ?? 0) > 0)
        #expect(health.status == 200 && health.body == "ok\n")
    }

    @Test func basicAuthGuardsEveryStatusRoute() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (source, metrics) = try Self.populate(dir.appendingPathComponent("state.sqlite").path)
        let access = StatusAccess.basicAuth(user: "ops", password: "s3cret:pw")
        let server = try await MonitorServer.start { router in
            MetricsRoutes(source: source, metrics: metrics, access: access).add(to: router)
            try! StatusRoutes(source: source, access: access).add(to: router)
        }
        let good = "Basic " + Data("ops:s3cret:pw".utf8).base64EncodedString()
        let bad = "Basic " + Data("ops:wrong".utf8).base64EncodedString()
        var statuses: [String: [Int]] = [:]
        for path in ["", "metrics", "healthz"] {
            let url = path.isEmpty ? server.url : server.url.appendingPathComponent(path)
            for auth in [nil, bad, "Bearer x", good] { statuses[path, default: []].append((try? await httpGet(url, authorization: auth))?.status ?? -1) }
        }
        await server.stop()
        for path in ["", "metrics", "healthz"] { #expect(statuses[path] == [401, 401, 401, 200], "\(path)") }
    }

    @Test func statusAccessNeedsAuthBeyondLoopback() throws {
        #expect(try StatusAccess.resolve(listenHost: "127.0.0.1", auth: nil, environment: [:]) == .loopbackOnly)
        #expect(try StatusAccess.resolve(listenHost: "::1", auth: nil, environment: [:]) == .loopbackOnly)
        #expect(throws: AlertError.self) { try StatusAccess.resolve(listenHost: "0.0.0.0", auth: nil, environment: [:]) }
        let auth = StatusAuth(user: "ops", password: SecretRef(env: "STATUS_PW"))
        #expect(try StatusAccess.resolve(listenHost: "0.0.0.0", auth: auth, environment: ["STATUS_PW": "pw"]) == .basicAuth(user: "ops", password: "pw"))
        do {
            _ = try StatusAccess.resolve(listenHost: "0.0.0.0", auth: auth, environment: [:])
            Issue.record("an unset password was accepted")
        } catch {
            #expect("\(error)".contains("env:STATUS_PW"))
        }
    }

    @Test func statusPageInHeadlessChromium() async throws {
        let chromium = try #require(Chromium.path, "chromium is not installed: run scripts/bootstrap")
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (source, _) = try Self.populate(dir.appendingPathComponent("state.sqlite").path)
        let server = try await MonitorServer.start { try! StatusRoutes(source: source, access: .loopbackOnly).add(to: $0) }
        let raw = try await httpGet(server.url)
        let shot = dir.appendingPathComponent("status.png")
        let dom = try await Chromium.run(chromium, ["--dump-dom", server.url.absoluteString], in: dir)
        _ = try await Chromium.run(chromium, ["--window-size=1280,1600", "--screenshot=\(shot.path)", server.url.absoluteString], in: dir)
        await server.stop()
        #expect(raw.contentType?.hasPrefix("text/html") == true)
        // The screenshot is a real PNG of some size.
        let png = try Data(contentsOf: shot)
        // Kept for a person to look at when asked (the temp directory is removed).
        if let keep = ProcessInfo.processInfo.environment["RECONCILE_STATUS_SCREENSHOT"] { try? png.write(to: URL(fileURLWithPath: keep)) }
        #expect(png.count > 10_000)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // The DOM Chromium built: groups → domains → mailboxes with state and stage.
        for text in ["Fleet status", "Group g1", "Group g2", "alpha.example", "beta.example", "gamma.example",
                     "ann@alpha.example", "bob@alpha.example", "cat@beta.example", "dan@gamma.example",
                     "bounce rate 12.0% (3 of 25)", "no warmup (50/day)", "1 disabled", "1 spare"] {
            #expect(dom.contains(text), "missing \(text)")
        }
        // Sends today against capacity, rates, replies, the open alert (escaped, not markup).
        #expect(dom.contains("<td>20</td>"))
        #expect(dom.contains("6.67%"))
        #expect(dom.contains("20.000%"))
        #expect(dom.contains("apply-failed"))
        #expect(dom.contains("porkbun: HTTP 500 &lt;b&gt;&amp;&lt;/b&gt;"))
        #expect(dom.contains("replies recorded: 1"))
        // The chart: 24 bars, the tallest (ann's 20 this morning, 1 h ago) full height.
        #expect(dom.components(separatedBy: "<rect class=\"bar\"").count == 25)
        #expect(dom.contains("09:00: 20 sends"))
        #expect(dom.contains("22:00: 10 sends"))
        #expect(dom.contains("10:00: 5 sends"))
        #expect(dom.contains("35 sends in the last 24 h"))
        #expect(!dom.contains("<script"))
    }
}

/// Debian's headless Chromium (monitoring.md recipe); `--no-sandbox` because tests run as root.
enum Chromium {
    static var path: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ binary: String, _ args: [String], in dir: URL) async throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                       "--user-data-dir=\(dir.appendingPathComponent("chromium-profile").path)"] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Read while it runs so a large DOM cannot fill the pipe; give up after 120 s.
        // Off the pool: the page Chromium loads is served from this process (see offPool).
        let reader = Task { try await offPool { out.fileHandleForReading.readDataToEndOfFile() } }
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        return String(decoding: try await reader.value, as: UTF8.self)
    }
}
