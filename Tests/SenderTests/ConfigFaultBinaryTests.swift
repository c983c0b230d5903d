import Foundation
import Providers
import Sandbox
import Sender
import Store
import Testing

/// Issue #18 through the real `reconcile send`: a configuration fault (a
/// refused SMTP login, an unresolvable relay, Mailgun answering 404 for a
/// wrong endpoint or behind a certificate that does not verify) is not the
/// recipient's. The message stays planned with its sequence going on, the
/// mailbox or group pauses with an `alert.config_fault` event, the daemon
/// exits 0 once nothing else can go, and nothing counts as a send or bounce.
@Suite(.serialized) struct ConfigFaultBinaryTests {
    static let binary = reconcileBinary

    func send(_ args: [String], environment: [String: String]) async throws -> (status: Int32, stderr: String) {
        try await runReconcileAsync(args, environment: environment)
    }

    /// A fleet JSON of one group with two mailboxes and a state with two recipients queued.
    func setUp(_ edit: (inout SendingFleet) -> Void) throws -> (dir: URL, state: String, fleet: String, store: SQLiteSendingStore) {
        let dir = try temporaryDirectory("config-fault")
        var fleet = makeFleet(groups: 1, mailboxesPerGroup: 2, hourly: 100_000, pause: SecondsRange(0, 0), interval: SecondsRange(0, 0),
                              dailyMax: 100_000)
        edit(&fleet)
        let fleetPath = dir.appendingPathComponent("fleet.json").path
        try JSONEncoder().encode(fleet).write(to: URL(fileURLWithPath: fleetPath))
        let state = dir.appendingPathComponent("state.sqlite").path
        let store = SQLiteSendingStore(try StateStore(path: state))
        let c = Campaign(id: "intro", steps: [CampaignStep(subject: "Hello", text: "Hi"), CampaignStep(delay: 60, subject: "Re: Hello", text: "Again")])
        _ = try store.enqueue(campaign: c.record(group: "g1"), recipients: recipients(2), now: Date().timeIntervalSince1970 - 1)
        return (dir, state, fleetPath, store)
    }

    func expectPlannedAndPaused(_ store: SQLiteSendingStore, paused: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        // Both recipients still have their first step planned; nothing is rejected, deferred or suppressed.
        #expect(try store.messages(state: nil).map(\.state) == [.planned, .planned], sourceLocation: sourceLocation)
        #expect(try store.suppressedEmails().isEmpty, sourceLocation: sourceLocation)
        let disabled = try store.mailboxHealth().values.filter { !$0.enabled }
        #expect(disabled.count == paused, sourceLocation: sourceLocation)
        #expect(disabled.allSatisfy { $0.reason?.hasPrefix("paused: configuration: ") == true }, sourceLocation: sourceLocation)
        #expect(try store.events(kind: .configFault).count == paused, sourceLocation: sourceLocation)
        #expect(try store.events(kind: .hardBounce).isEmpty, sourceLocation: sourceLocation)
        // The attempts' reservations stay consumed but are no sends in the mailboxes' health.
        #expect(try store.mailboxStats(since: 0).values.allSatisfy { $0.sends == 0 && $0.bounces == 0 }, sourceLocation: sourceLocation)
    }

    @Test func aRefusedSMTPLoginPausesTheMailboxAndKeepsTheMessagePlanned() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let server = try SMTPTestServer()
        defer { server.stop() }
        let (dir, state, fleet, store) = try setUp { f in
            for i in f.groups.indices { f.groups[i].smtp = SMTPEndpoint(url: server.url, caInfo: server.cert.path) }
            for i in f.mailboxes.indices { f.mailboxes[i].smtpUsername = "user"; f.mailboxes[i].smtpPassword = "env:SMTP_PW" }
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await send(["send", "--state", state, "--fleet", fleet, "--exit-when-idle"],
                               environment: ["SMTP_PW": "wrong-canary", "TEST_UNSUB_SECRET": "u"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("wrong-canary"))
        // Each mailbox tried once, was refused (535) and paused; nothing reached the server.
        try expectPlannedAndPaused(store, paused: 2)
        #expect(server.received().isEmpty)
        #expect(try store.allReservations().count == 2)
    }

    /// Runs `send` on the setup's fleet edited by `edit`: one attempt must find
    /// the fault and pause the whole group, with an alert naming `cause`.
    func expectGroupPaused(by cause: String, args: [String] = [], environment: [String: String] = [:],
                           _ edit: (inout SendingFleet) -> Void, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let (dir, state, fleet, store) = try setUp(edit)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try await send(["send", "--state", state, "--fleet", fleet, "--exit-when-idle"] + args,
                               environment: environment.merging(["TEST_UNSUB_SECRET": "u"]) { a, _ in a })
        #expect(r.status == 0, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(!environment.values.contains { r.stderr.contains($0) }, sourceLocation: sourceLocation)
        try expectPlannedAndPaused(store, paused: 2, sourceLocation: sourceLocation)
        #expect(try store.allReservations().count == 1, sourceLocation: sourceLocation)
        let alert = try #require(try store.events(kind: .configFault).first?.detail, sourceLocation: sourceLocation)
        #expect(alert.contains(cause), "\(alert)", sourceLocation: sourceLocation)
    }

    /// curl 6: the group's SMTP relay does not resolve (see `unresolvableHost`
    /// for why this name fails at once without a network).
    @Test func anUnresolvableSMTPRelayPausesTheGroupAndKeepsTheMessagePlanned() async throws {
        try await expectGroupPaused(by: "the relay host does not resolve") { f in
            for i in f.groups.indices { f.groups[i].smtp = SMTPEndpoint(url: "smtp://\(unresolvableHost):587") }
        }
    }

    /// Mailgun's API behind a certificate that does not verify: the group pauses, nothing is sent.
    @Test func anUntrustedMailgunCertificatePausesTheGroup() async throws {
        let tls = try UntrustedTLSServer()
        defer { tls.stop() }
        try await expectGroupPaused(by: "the API's TLS certificate does not verify", args: ["--transport", "mailgun-http"],
                                    environment: ["MG_KEY": "key-secret-canary"]) { f in
            for i in f.groups.indices { f.groups[i].mailgun = MailgunAPI(baseURL: tls.url, apiKey: "env:MG_KEY") }
        }
    }

    @Test func aMailgun404FromAWrongEndpointPausesTheGroup() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the reconcile binary first (swift build)")
        let key = "key-0123456789abcdef0123456789abcdef"
        let emu = try await MailgunEmulator.start(region: .us, dns: DNSView(), apiKey: key, signingKey: "sign", faults: .none, seed: 3)
        do {
            let (dir, state, fleet, store) = try setUp { f in
                // A wrong endpoint: a path prefix Mailgun does not have.
                for i in f.groups.indices { f.groups[i].mailgun = MailgunAPI(baseURL: emu.url.appendingPathComponent("wrong").absoluteString, apiKey: "env:MG_KEY") }
            }
            defer { try? FileManager.default.removeItem(at: dir) }
            let r = try await send(["send", "--state", state, "--fleet", fleet, "--exit-when-idle", "--transport", "mailgun-http"],
                                   environment: ["MG_KEY": key, "TEST_UNSUB_SECRET": "u"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stderr.contains(key))
            // One attempt found the fault and paused both mailboxes of the group.
            try expectPlannedAndPaused(store, paused: 2)
            #expect(try store.allReservations().count == 1)
            #expect(await emu.sentMessages().isEmpty)
        } catch {
            await emu.stop()
            throw error
        }
        await emu.stop()
    }
}
