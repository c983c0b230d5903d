import Foundation
import Inventory
import Providers
import Resolver
import Store
import Testing
import TestSupport
import Watch

/// The blocklist watcher against a real Knot serving a DBL zone, with a
/// real SQLite store: a listed domain is paused (its mailbox's reservation
/// is refused) with one alert naming the list and the group's spare; a
/// refusal code does not pause; delisting releases and clears.
@Suite("blocklists against Knot", .serialized)
struct BlocklistWatchKnotTests {
    static let domains = [
        WatchedDomain(name: "listed-mail.com", group: "g1", role: .active, pool: "mg"),
        WatchedDomain(name: "refused-mail.com", group: "g1", role: .active, pool: "mg"),
        WatchedDomain(name: "clean-mail.com", group: "g1", role: .active, pool: "mg"),
        WatchedDomain(name: "spare-mail.com", group: "g1", role: .spare, pool: "mg"),
    ]
    static let t0 = 1_772_438_400.0

    struct Rig {
        let knot: KnotServer
        let store: SQLiteSendingStore
        let alerts: AlertStore
        let dir: URL
        let clock = VirtualClock(start: BlocklistWatchKnotTests.t0)

        init(zones: [String: String?]) throws {
            knot = try KnotServer(zones: zones)
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("blocklist-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let state = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
            store = SQLiteSendingStore(state)
            alerts = AlertStore(state)
        }

        func watch(_ lists: [Blocklist], environment: [String: String] = [:]) -> BlocklistWatch {
            BlocklistWatch(lookup: BlocklistLookup(servers: [DNSServer(address: "127.0.0.1", port: knot.port)]), lists: lists,
                           domains: BlocklistWatchKnotTests.domains, keeper: HoldKeeper(sending: store, alerts: alerts),
                           interval: 3600, environment: environment, clock: clock)
        }

        func stop() {
            knot.stop()
            try? FileManager.default.removeItem(at: dir)
        }

        /// Reserves the one queued message from `mailbox`; the refusal or "reserved".
        func reserve(from mailbox: String) throws -> String {
            let m = try #require(try store.pendingMessages().first)
            let r = Reservation(messageRow: m.row, mailbox: mailbox, group: m.group, at: clock.now(), mailboxNextAt: clock.now() + 45,
                                groupNextAt: clock.now() + 30, messageID: "<\(UUID().uuidString)@\(DomainHold.domain(of: mailbox))>")
            switch try store.reserve(r) {
            case .reserved: return "reserved"
            case .refused(let why): return why
            case .limited(let refusal): return "limited \(refusal.limit)"
            }
        }
    }

    static let spamhaus = "listed-mail.com A 127.0.1.2\nrefused-mail.com A 127.255.255.254\n"

    @Test func aListedDomainIsPausedWithOneAlertAndReleasedWhenDelisted() async throws {
        let rig = try Rig(zones: ["dbl.spamhaus.org": Self.spamhaus])
        defer { rig.stop() }
        _ = try rig.store.enqueue(campaign: CampaignRecord(id: "c1", group: "g1", definition: "{}", stepDelays: [0], stopOnReply: true, stopOnBounce: true),
                                  recipients: [Enrollment(email: "ann@example.org", timeZone: nil, variables: [:])], now: Self.t0)
        let watch = rig.watch([Blocklist(zone: "dbl.spamhaus.org")])

        let (report, changes) = try await watch.round()
        #expect(report.verdicts["listed-mail.com"]?["dbl.spamhaus.org"] == .listed("127.0.1.2 spam domain"))
        if case .unknown(let why)? = report.verdicts["refused-mail.com"]?["dbl.spamhaus.org"] {
            #expect(why.contains("public/open resolver"))
        } else { Issue.record("127.255.255.254 read as \(String(describing: report.verdicts["refused-mail.com"]))") }
        #expect(report.verdicts["clean-mail.com"]?["dbl.spamhaus.org"] == .clean)
        #expect(changes.placed.map(\.domain) == ["listed-mail.com"])
        #expect(try rig.store.domainHolds().map { "\($0.domain) \($0.summary)" }
                == ["listed-mail.com blocklist: listed on dbl.spamhaus.org (127.0.1.2 spam domain)"])

        // Its mailbox sends nothing; the refused-code and clean domains send.
        #expect(try rig.reserve(from: "alice@listed-mail.com") == ReserveResult.domainHeld)
        #expect(try rig.reserve(from: "bob@refused-mail.com") == "reserved")

        // One alert, naming the list and the spare; a second round queues nothing more.
        _ = try await watch.round()
        let queued = try rig.alerts.all()
        #expect(queued.map(\.key) == ["blocklisted:listed-mail.com"])
        #expect(queued.first?.text == "domain listed-mail.com listed on dbl.spamhaus.org (127.0.1.2 spam domain): its mailboxes are paused "
                + "until it is delisted; spare domain ready in group g1: spare-mail.com")

        // Delisted: released, and the alert clears once.
        try rig.knot.replace("dbl.spamhaus.org", "refused-mail.com A 127.255.255.254\n")
        rig.clock.advance(by: 3600)
        let after = try await watch.round()
        #expect(after.changes.released.map(\.domain) == ["listed-mail.com"])
        #expect(try rig.store.domainHolds().isEmpty)
        #expect(try rig.alerts.openConditions().isEmpty)
        #expect(try rig.alerts.all().map { "\($0.kind.rawValue) \($0.key)" } == ["open blocklisted:listed-mail.com", "clear blocklisted:listed-mail.com"])
    }

    @Test func aKeyedListIsAskedUnderItsKeyAndAnUnsetKeyChecksNothingAndReleasesNothing() async throws {
        // Spamhaus DQS: <domain>.<key>.dbl.dq.spamhaus.net.
        let rig = try Rig(zones: ["dbl.dq.spamhaus.net": "listed-mail.com.k3y A 127.0.1.4\nclean-mail.com A 127.0.1.2\n"])
        defer { rig.stop() }
        let list = Blocklist(zone: "dbl.dq.spamhaus.net", key: SecretRef(env: "DQS_KEY"))
        let keyed = try await rig.watch([list], environment: ["DQS_KEY": "k3y"]).round()
        #expect(keyed.report.listings("listed-mail.com") == ["dbl.dq.spamhaus.net (127.0.1.4 phishing domain)"])
        #expect(keyed.report.listings("clean-mail.com").isEmpty)
        #expect(try rig.store.domainHolds().map(\.domain) == ["listed-mail.com"])

        // The key gone from the environment: every lookup unknown, the pause stays, and the list says it checks nothing.
        rig.clock.advance(by: 3600)
        let unset = try await rig.watch([list]).round()
        #expect(unset.report.verdicts["clean-mail.com"]?["dbl.dq.spamhaus.net"] == .unknown("key env:DQS_KEY is not set"))
        #expect(unset.changes.isEmpty)
        #expect(try rig.store.domainHolds().map(\.domain) == ["listed-mail.com"])
        #expect(try rig.alerts.openConditions().map(\.key) == ["blocklisted:listed-mail.com", "blocklist-unchecked:dbl.dq.spamhaus.net"])
        // No alert text carries the key.
        #expect(try rig.alerts.all().allSatisfy { !$0.text.contains("k3y") })
    }
}
