import Foundation
import Inventory
import Providers
import Store
import Testing
import TestSupport
@testable import Monitor

/// `serve`'s SMTP/IMAP probes against a real aiosmtpd (STARTTLS and AUTH
/// required) and a real Dovecot (IMAP over TLS), the endpoints read from an
/// inventory whose accounts point at them (`smtp_endpoint`, `imap_endpoint`,
/// their CA files), the alerts in a real state file. Rounds are driven one by
/// one, so "after N failures" is counted, never timed.
@Suite(.serialized) struct ProbeTests {
    static let box = "alice@acme-mail.com", master = "probe-master-secret"
    static let deriver = SMTPPasswordDeriver(masterSecret: master)
    static let mailgunPassword = deriver.password(for: box, version: SMTPPasswordDeriver.currentVersion)
    static let zohoPassword = deriver.zohoMailboxPassword(for: box)
    static let environment = ["PROBE_MASTER": master]
    /// `monitoring.probe_alert_after` in the test inventory (the default is 3).
    static let alertAfter = 2

    struct Endpoint { var url: String; var caFile: String }

    /// A one-mailbox fleet in `dir`: the pool's SMTP, Zoho's IMAP and Zoho's
    /// SMTP at the given servers, each CA copied next to the inventory and
    /// named relatively, as an operator would.
    static func inventory(in dir: URL, mailgun: Endpoint, imap: Endpoint, zohoSMTP: Endpoint) throws -> Inventory {
        for (name, e) in [("mailgun-ca.pem", mailgun), ("imap-ca.pem", imap), ("zoho-smtp-ca.pem", zohoSMTP)] {
            let target = dir.appendingPathComponent(name)
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(atPath: e.caFile, toPath: target.path)
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("groups"), withIntermediateDirectories: true)
        try """
            accounts:
              porkbun: { api_key: env:PB_KEY, secret_key: env:PB_SECRET }
              mailgun-us: { kind: mailgun, region: us, api_key: env:MG_KEY, smtp_password_secret: env:PROBE_MASTER,
                            smtp_endpoint: "\(mailgun.url)", smtp_ca_file: mailgun-ca.pem }
              zoho: { region: com, client_id: env:Z_ID, client_secret: env:Z_SECRET, refresh_token: env:Z_TOKEN, org_id: "1",
                      imap_endpoint: "\(imap.url)", imap_ca_file: imap-ca.pem,
                      smtp_endpoint: "\(zohoSMTP.url)", smtp_ca_file: zoho-smtp-ca.pem }
            defaults:
              inbound: { mode: zoho, account: zoho }
            warmup:
              standard:
                - { days: 7, daily: 10 }
                - { daily: 50 }
            monitoring:
              probe_alert_after: \(alertAfter)

            """.write(to: dir.appendingPathComponent("fleet.yaml"), atomically: true, encoding: .utf8)
        try """
            group: g1
            pool: mailgun-us
            domains:
              - name: acme-mail.com
                registrar: porkbun
                warmup: { schedule: standard, started: 2026-11-02 }
                mailboxes: [alice]

            """.write(to: dir.appendingPathComponent("groups/g1.yaml"), atomically: true, encoding: .utf8)
        return try InventoryLoader().load(directory: dir.path).inventory
    }

    /// The state file, the metrics, the log, and the probes of one inventory.
    final class World: @unchecked Sendable {
        let dir: URL
        let alerts: AlertStore
        let metrics = MonitorMetrics()
        let lines = LockedLines()
        var rounds: ProbeRounds

        init(dir: URL, inventory: Inventory, only proto: ProbeTarget.Proto? = nil, account: String) throws {
            self.dir = dir
            alerts = AlertStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
            let lines = self.lines
            rounds = ProbeService(targets: [], store: alerts, metrics: metrics, settings: .init(inventory.monitoring),
                                  log: { lines.append($0) }).rounds
            rounds.targets = Self.targets(inventory, dir: dir, environment: ProbeTests.environment, proto: proto, account: account)
        }

        static func targets(_ inventory: Inventory, dir: URL, environment: [String: String], proto: ProbeTarget.Proto?, account: String) -> [ProbeTarget] {
            ProbeTargets.make(inventory: inventory, directory: dir.path, environment: environment).targets
                .filter { $0.account == account && (proto == nil || $0.proto == proto) }
        }

        /// Points the probes at another inventory (a fixed server, a changed secret); what they counted so far stays.
        func retarget(_ inventory: Inventory, proto: ProbeTarget.Proto? = nil, account: String, environment: [String: String] = ProbeTests.environment) {
            rounds.targets = Self.targets(inventory, dir: dir, environment: environment, proto: proto, account: account)
        }

        func round() async -> [AlertChange] { await rounds.round() }

        /// `alertAfter - 1` failing rounds queue nothing, the next opens `key`
        /// once, and one more failing round repeats nothing. Returns the alert's text.
        func expectAlert(_ key: String, _ fragment: String) async throws -> String {
            for i in 1..<ProbeTests.alertAfter {
                let changes = await round()
                #expect(changes.isEmpty, "failing round \(i): \(changes)")
            }
            let opened = await round()
            guard opened.count == 1, case .open(let k, let text) = opened[0], k == key else {
                Issue.record("expected \(key) to open, got \(opened)"); return ""
            }
            #expect(text.contains(fragment), "\(text)")
            let again = await round()
            #expect(again.isEmpty, "an open alert queued again: \(again)")
            #expect(try alerts.openConditions().map(\.key) == [key])
            return text
        }

        /// The first passing round clears `key`, and nothing else.
        func expectCleared(_ key: String) async throws {
            let changes = await round()
            guard changes.count == 1, case .clear(let k, _) = changes[0], k == key else {
                Issue.record("expected \(key) to clear, got \(changes)"); return
            }
            #expect(try alerts.openConditions().isEmpty)
        }

        func metric(_ name: String, _ labels: [String: String]) throws -> Double? {
            try PrometheusText(metrics.counters.emitToString()).samples
                .first { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }?.value
        }

        /// No secret anywhere a person or a scraper reads: alerts, log lines, metrics.
        func expectNoSecrets() throws {
            let texts = try alerts.all().map(\.text) + lines.all + [metrics.counters.emitToString()]
            for secret in [ProbeTests.master, ProbeTests.mailgunPassword, ProbeTests.zohoPassword, "wrong-master"] {
                #expect(!texts.contains { $0.contains(secret) })
            }
        }
    }

    static func temporaryDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("probes-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static func endpoint(_ s: SMTPTestServer) -> Endpoint { Endpoint(url: s.url, caFile: s.cert.path) }
    static func endpoint(_ d: DovecotServer) -> Endpoint { Endpoint(url: d.url, caFile: d.caFile) }

    @Test func aPoolsSMTPEndpointAlertsWhenStoppedWhenALoginIsRefusedAndWithoutSTARTTLSAndClearsWhenFixed() async throws {
        let dir = try Self.temporaryDir()
        let good = try SMTPTestServer(user: Self.box, password: Self.mailgunPassword)
        let dovecot = try DovecotServer(users: [Self.box: Self.zohoPassword])
        var servers = [good]
        defer { servers.forEach { $0.stop() }; dovecot.stop(); try? FileManager.default.removeItem(at: dir) }
        let zoho = Self.endpoint(dovecot)
        func fleet(_ s: SMTPTestServer) throws -> Inventory {
            // Zoho's side is left out of this test (its targets are filtered away); any CA file will do.
            try Self.inventory(in: dir, mailgun: Self.endpoint(s), imap: zoho, zohoSMTP: Endpoint(url: "smtp://127.0.0.1:1", caFile: zoho.caFile))
        }
        let world = try World(dir: dir, inventory: try fleet(good), account: "mailgun-us")
        #expect(world.rounds.targets.map(\.url) == [good.url])
        #expect(world.rounds.targets.first?.logins.map(\.username) == [Self.box])
        let labels = ["account": "mailgun-us", "protocol": "smtp"]

        // Healthy: the derived login passes STARTTLS and AUTH; nothing is queued.
        #expect(await world.round().isEmpty)
        #expect(try world.metric("reconcile_probes_total", labels.merging(["result": "ok"]) { a, _ in a }) == 1)
        #expect(try world.metric("reconcile_probe_up", labels) == 1)
        #expect(try (world.metric("reconcile_probe_latency_seconds", labels) ?? -1) >= 0)

        // 1. The server stops.
        good.stop()
        let down = try await world.expectAlert("probe:mailgun-us:smtp:down", "unreachable \(Self.alertAfter) times in a row")
        #expect(down.contains(good.url) && down.contains("curl 7"), "\(down)")
        #expect(try world.metric("reconcile_probes_total", labels.merging(["result": "down"]) { a, _ in a }) == Double(Self.alertAfter + 1))
        #expect(try world.metric("reconcile_probe_up", labels) == 0)
        #expect(try world.metric("reconcile_probe_consecutive_failures", labels.merging(["condition": "down"]) { a, _ in a })
                == Double(Self.alertAfter + 1))
        let back = try SMTPTestServer(user: Self.box, password: Self.mailgunPassword)
        servers.append(back)
        world.retarget(try fleet(back), account: "mailgun-us")
        try await world.expectCleared("probe:mailgun-us:smtp:down")

        // 2. The master secret in the environment is not the one apply used: every derived password is wrong.
        world.retarget(try fleet(back), account: "mailgun-us", environment: ["PROBE_MASTER": "wrong-master"])
        let refused = try await world.expectAlert("probe:mailgun-us:smtp:login", "login refused \(Self.alertAfter) times in a row for \(Self.box)")
        #expect(refused.contains("curl 67"), "\(refused)")
        world.retarget(try fleet(back), account: "mailgun-us")
        try await world.expectCleared("probe:mailgun-us:smtp:login")

        // 3. A server that never offers STARTTLS: the login is never sent in clear.
        let plain = try SMTPTestServer(noStartTLS: true, user: Self.box, password: Self.mailgunPassword)
        servers.append(plain)
        world.retarget(try fleet(plain), account: "mailgun-us")
        let tls = try await world.expectAlert("probe:mailgun-us:smtp:tls", "the server offers no STARTTLS")
        #expect(tls.contains("TLS failed \(Self.alertAfter) times in a row"), "\(tls)")
        world.retarget(try fleet(back), account: "mailgun-us")
        try await world.expectCleared("probe:mailgun-us:smtp:tls")

        // Each condition opened once and cleared once, in that order; the log said the same.
        let queued = try world.alerts.all().map { "\($0.kind.rawValue) \($0.key)" }
        #expect(queued == ["open probe:mailgun-us:smtp:down", "clear probe:mailgun-us:smtp:down",
                           "open probe:mailgun-us:smtp:login", "clear probe:mailgun-us:smtp:login",
                           "open probe:mailgun-us:smtp:tls", "clear probe:mailgun-us:smtp:tls"])
        #expect(world.lines.all.count == 6)
        try world.expectNoSecrets()
    }

    @Test func zohosIMAPAlertsWhenStoppedAndWhenTheLoginIsRefusedAndClearsWhenFixedWhileItsSMTPPasses() async throws {
        let dir = try Self.temporaryDir()
        let zohoSMTP = try SMTPTestServer(user: Self.box, password: Self.zohoPassword)
        let mailgunSMTP = try SMTPTestServer(user: Self.box, password: Self.mailgunPassword)
        var dovecots = [try DovecotServer(users: [Self.box: Self.zohoPassword])]
        defer { zohoSMTP.stop(); mailgunSMTP.stop(); dovecots.forEach { $0.stop() }; try? FileManager.default.removeItem(at: dir) }
        func fleet(_ d: DovecotServer) throws -> Inventory {
            try Self.inventory(in: dir, mailgun: Self.endpoint(mailgunSMTP), imap: Self.endpoint(d), zohoSMTP: Self.endpoint(zohoSMTP))
        }
        let world = try World(dir: dir, inventory: try fleet(dovecots[0]), account: "zoho")
        // IMAP and SMTP, both with the mailbox's Zoho password (not its Mailgun one).
        #expect(world.rounds.targets.map(\.proto) == [.imap, .smtp])
        #expect(await world.round().isEmpty)
        for proto in ["imap", "smtp"] {
            #expect(try world.metric("reconcile_probes_total", ["account": "zoho", "protocol": proto, "result": "ok"]) == 1)
        }

        // 1. Dovecot stops; Zoho's SMTP keeps passing and stays quiet.
        dovecots[0].stop()
        let down = try await world.expectAlert("probe:zoho:imap:down", "Zoho IMAP \(dovecots[0].url) (zoho): unreachable")
        #expect(down.contains("curl 7"), "\(down)")
        dovecots.append(try DovecotServer(users: [Self.box: Self.zohoPassword]))
        world.retarget(try fleet(dovecots[1]), account: "zoho")
        try await world.expectCleared("probe:zoho:imap:down")

        // 2. The mailbox's password was changed behind our back.
        dovecots.append(try DovecotServer(users: [Self.box: "changed-by-someone"]))
        world.retarget(try fleet(dovecots[2]), account: "zoho")
        let refused = try await world.expectAlert("probe:zoho:imap:login", "login refused \(Self.alertAfter) times in a row for \(Self.box)")
        #expect(refused.contains("curl 67"), "\(refused)")
        world.retarget(try fleet(dovecots[1]), account: "zoho")
        try await world.expectCleared("probe:zoho:imap:login")
        #expect(try world.metric("reconcile_probes_total", ["account": "zoho", "protocol": "smtp", "result": "ok"])
                == Double(1 + 2 * (Self.alertAfter + 2)))
        try world.expectNoSecrets()
    }

    /// The service's own loop, at a short interval, against a port nothing
    /// listens on: the alert opens once however many rounds run.
    @Test func theServiceLoopOpensOneAlertAndRepeatsNothing() async throws {
        let dir = try Self.temporaryDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let alerts = AlertStore(try StateStore(path: dir.appendingPathComponent("state.sqlite").path))
        let metrics = MonitorMetrics(), lines = LockedLines()
        // A port a server just left: nothing listens there.
        let gone = try SMTPTestServer()
        gone.stop()
        let target = ProbeTarget(account: "mailgun-us", provider: "Mailgun", proto: .smtp, url: gone.url,
                                 logins: [ProbeLogin(username: Self.box, password: Self.mailgunPassword)])
        let service = ProbeService(targets: [target], store: alerts, metrics: metrics,
                                   settings: .init(interval: 0.05, alertAfter: 3), log: { lines.append($0) })
        let task = Task { try await service.run() }
        func rounds() throws -> Double {
            try PrometheusText(metrics.counters.emitToString()).samples.first { $0.name == "reconcile_probes_total" }?.value ?? 0
        }
        #expect(try await eventually(within: 60) { try rounds() >= 8 })
        task.cancel()
        _ = try? await task.value
        #expect(try alerts.all().map { "\($0.kind.rawValue) \($0.key)" } == ["open probe:mailgun-us:smtp:down"])
        #expect(lines.all.count == 1 && lines.all[0].contains("unreachable 3 times in a row"), "\(lines.all)")
    }
}

/// The bookkeeping alone: which logins a round tries, and one alert per endpoint.
@Suite struct ProbeTrackerTests {
    static func target(_ n: Int) -> ProbeTarget {
        ProbeTarget(account: "mailgun-us", provider: "Mailgun", proto: .smtp, url: "smtp://127.0.0.1:1",
                    logins: (0..<n).map { ProbeLogin(username: "m\($0)@acme-mail.com", password: "pw\($0)") })
    }

    @Test func everyLoginIsTriedInTurnAndARefusedOneAgainNextRound() {
        var tracker = ProbeTracker(alertAfter: 3)
        let t = Self.target(7)
        let names = { (logins: [ProbeLogin]) in logins.map { String($0.username.prefix(2)) } }
        #expect(names(tracker.pick(t, perRound: 3)) == ["m0", "m1", "m2"])
        let second = tracker.pick(t, perRound: 3)
        #expect(names(second) == ["m3", "m4", "m5"])
        let refused = ProbeOutcome(latency: 0.1, failure: .init(.login, "login refused (curl 67)"))
        _ = tracker.record(t, second.map { ($0, $0.username.hasPrefix("m4") ? refused : ProbeOutcome(latency: 0.1)) })
        // m4 first, then the rotation goes on (and wraps).
        #expect(names(tracker.pick(t, perRound: 3)) == ["m4", "m6", "m0", "m1"])
    }

    @Test func manyRefusedLoginsAreOneAlertNamingThemAndAPasswordIsNeverPrinted() {
        var tracker = ProbeTracker(alertAfter: 2)
        let t = Self.target(3)
        let refused = ProbeOutcome(latency: 0.1, failure: .init(.login, "login refused (curl 67)"))
        var changes: [AlertChange] = []
        for _ in 0..<2 { changes = tracker.record(t, t.logins.map { ($0, refused) }) }
        #expect(changes.count == 3)   // down and tls clear (the endpoint answered), login opens
        guard case .open(let key, let text)? = changes.last else { Issue.record("\(changes)"); return }
        #expect(key == "probe:mailgun-us:smtp:login")
        #expect(text.contains("m0@acme-mail.com, m1@acme-mail.com, m2@acme-mail.com"))
        #expect(!text.contains("pw"))
        #expect("\(t.logins[0])" == "m0@acme-mail.com (password ****)")
        // One login passes again, the others still fail: still open.
        let mixed = tracker.record(t, [(t.logins[0], ProbeOutcome(latency: 0.1)), (t.logins[1], refused), (t.logins[2], refused)])
        guard case .open(_, let still)? = mixed.last else { Issue.record("\(mixed)"); return }
        #expect(!still.contains("m0@"))
        // A refused login proves the endpoint up: a server down before clears.
        #expect(mixed.contains(.clear(key: "probe:mailgun-us:smtp:down", summary: ProbeTracker.clearText(t, .down))))
    }
}
