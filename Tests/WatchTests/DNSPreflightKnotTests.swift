import DNSRecords
import Foundation
import Reconciler
import Resolver
import Store
import Testing
import TestSupport
import Watch

/// The DNS watch's round against a real Knot and a real state file: the
/// converged fleet passes; each break holds exactly its domain (reason named,
/// alert queued) and fixing the zone releases it; SERVFAIL or silence never
/// places nor lifts a hold.
@Suite("DNS preflight against Knot", .serialized)
struct DNSPreflightKnotTests {
    static let a = "acme-mail.test", b = "acme-post.test"
    typealias Zones = FleetCheckKnotTests

    static func zone(_ d: String, mailgun: String = "active") -> ExpectedZone {
        var z = Zones.expected()
        z.domain = d
        z.records = z.records.map { r in
            var r = r
            r.record = DNSRecord(name: r.record.name.replacingOccurrences(of: Zones.domain, with: d), type: r.record.type, ttl: r.record.ttl,
                                 priority: r.record.priority, value: r.record.value)
            return r
        }
        z.mailgunRegion = .us
        z.mailgunState = mailgun
        return z
    }

    struct World {
        let knot: KnotServer
        let dir: URL
        let state: StateStore
        var sending: SQLiteSendingStore { SQLiteSendingStore(state) }
        var alerts: AlertStore { AlertStore(state) }
        var verdicts: DNSVerdictStore { DNSVerdictStore(state) }

        init(_ zones: [String: String?]) throws {
            knot = try KnotServer(zones: zones)
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("dns-preflight-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            state = try StateStore(path: dir.appendingPathComponent("state.sqlite").path)
        }

        func stop() { knot.stop(); try? FileManager.default.removeItem(at: dir) }

        func round(_ zones: [ExpectedZone] = [zone(a), zone(b)], at: Double, server: DNSServer? = nil) async throws -> DNSWatchRound.Outcome {
            let check = FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1),
                                   nameserver: server ?? DNSServer(address: "127.0.0.1", port: knot.port))
            return try await DNSWatchRound(check: check, verdicts: verdicts, sending: sending, alerts: alerts, maxAge: 1200).run(zones, at: at)
        }

        func held() throws -> [String: String] {
            Dictionary(try sending.domainHolds().filter { $0.source == .dns }.map { ($0.domain, $0.reason) }, uniquingKeysWith: { x, _ in x })
        }
    }

    static func key(_ c: AlertChange) -> String {
        switch c {
        case .open(let key, _), .clear(let key, _): key
        }
    }

    static func published(_ d: String, replacing: [String: String] = [:], adding: [String] = []) -> String {
        Zones.published(replacing: replacing, adding: adding).replacingOccurrences(of: Zones.domain, with: d)
    }

    @Test func eachBreakHoldsExactlyItsDomainAndTheFixReleasesIt() async throws {
        let w = try World([Self.a: Self.published(Self.a), Self.b: Self.published(Self.b)])
        defer { w.stop() }
        var t = 1_000_000.0
        let converged = try await w.round(at: t)
        #expect(converged.report.exitCode == 0, "\(CheckRender.text(converged.report))")
        #expect(try w.held().isEmpty)
        #expect(converged.records.map(\.preflight) == [.pass, .pass])

        let a = Self.a
        let breaks: [(String, [String: String], [String], String)] = [
            ("a broken DKIM key", ["dkim": "mx._domainkey TXT \"k=rsa; p=AAAA\""], [],
             "mailgun-dkim TXT at mx._domainkey.\(a) differs from the key Mailgun reported"),
            ("a missing DMARC", ["dmarc": ""], [], "dmarc TXT at _dmarc.\(a) missing"),
            ("a second SPF record", [:], ["@ TXT \"v=spf1 include:spf.protection.outlook.com -all\""], "spf TXT at \(a) has 2 competing records"),
            ("an MX removed", ["mx": "@ MX 10 mxa.mailgun.org."], [], "mx MX at \(a) differs from the inventory"),
            ("an NS change", ["ns": "@ NS ns1.example.net.\n@ NS ns2.example.net."], [], "nameservers NS at \(a) differs from the inventory"),
        ]
        for (what, replacing, adding, reason) in breaks {
            try w.knot.replace(a, Self.published(a, replacing: replacing, adding: adding))
            t += 600
            let first = try await w.round(at: t)
            #expect(first.report.exitCode == 2, "\(what)")
            #expect(try w.held() == [a: reason], "\(what)")
            #expect(first.holds.placed.map(\.domain) == [a], "\(what)")
            #expect(first.alerts == [.open(key: DNSAlerts.heldKey(a), summary:
                "domain \(a) held: its mailboxes send nothing until it passes the DNS preflight: \(reason)")], "\(what)")
            // The second failing round in a row opens the difference alert, once.
            t += 600
            let second = try await w.round(at: t)
            #expect(second.alerts.map(Self.key) == [DNSAlerts.differsKey(a)], "\(what)")
            #expect(second.holds.isEmpty)
            t += 600
            let third = try await w.round(at: t)
            #expect(third.alerts.isEmpty, "\(what): nothing new on the third round")

            try w.knot.replace(a, Self.published(a))
            t += 600
            let fixed = try await w.round(at: t)
            #expect(try w.held().isEmpty, "\(what): fixed")
            #expect(fixed.holds.released.map(\.domain) == [a])
            #expect(Set(fixed.alerts.map(Self.key)) == [DNSAlerts.differsKey(a), DNSAlerts.heldKey(a)], "\(what): both cleared")
            #expect(fixed.alerts.allSatisfy { if case .clear = $0 { true } else { false } })
        }
        #expect(try w.alerts.openConditions().isEmpty)
    }

    @Test func servfailAndSilenceNeitherPlaceNorLiftAHold() async throws {
        let w = try World([Self.a: Self.published(Self.a, replacing: ["dmarc": ""]), Self.b: Self.published(Self.b)])
        defer { w.stop() }
        _ = try await w.round(at: 1000)
        #expect(Array(try w.held().keys) == [Self.a])

        // Both zones answer SERVFAIL: the hold on a stays, b is not held.
        let servfail = try KnotServer(zones: [Self.a: nil, Self.b: nil])
        defer { servfail.stop() }
        let r = try await w.round(at: 1600, server: DNSServer(address: "127.0.0.1", port: servfail.port))
        #expect(r.report.exitCode == 1)
        #expect(r.records.map(\.status) == ["could-not-check", "could-not-check"])
        #expect(r.holds.isEmpty && r.alerts.isEmpty)
        #expect(try w.held() == [Self.a: "dmarc TXT at _dmarc.\(Self.a) missing"])
        #expect(r.records.map(\.preflight) == [.fail, .pass], "the last known preflight stands")

        // A server that never answers: the same.
        let silent = try SilentUDP()
        defer { silent.close() }
        let quiet = try await w.round(at: 2200, server: DNSServer(address: "127.0.0.1", port: silent.port))
        #expect(quiet.records.allSatisfy { $0.status == "could-not-check" })
        #expect(quiet.holds.isEmpty && quiet.alerts.isEmpty)
        #expect(Array(try w.held().keys) == [Self.a])
        #expect(try w.verdicts.all().map(\.failures) == [1, 0], "unknown rounds neither count nor reset differences")
    }

    @Test func aMailgunDomainNotVerifiedIsHeld() async throws {
        let w = try World([Self.a: Self.published(Self.a), Self.b: Self.published(Self.b)])
        defer { w.stop() }
        _ = try await w.round([Self.zone(Self.a, mailgun: "unverified"), Self.zone(Self.b)], at: 1000)
        #expect(try w.held() == [Self.a: "Mailgun domain unverified"])
        _ = try await w.round([Self.zone(Self.a), Self.zone(Self.b)], at: 1600)
        #expect(try w.held().isEmpty)
    }

    @Test func anotherSPFThatStillIncludesThePoolPasses() async throws {
        let spf = "@ TXT \"v=spf1 include:mailgun.org include:_spf.google.com ~all\""
        let w = try World([Self.a: Self.published(Self.a, replacing: ["spf": spf]), Self.b: Self.published(Self.b)])
        defer { w.stop() }
        let r = try await w.round(at: 1000)
        #expect(r.report.domains[0].status == .differs, "check reports it")
        #expect(try w.held().isEmpty, "the preflight lets it send: the pool is authorised")
        let eu = "@ TXT \"v=spf1 include:eu.mailgun.org ~all\""
        try w.knot.replace(Self.a, Self.published(Self.a, replacing: ["spf": eu]))
        _ = try await w.round(at: 1600)
        let held = try w.held()
        #expect(held[Self.a]?.contains("does not authorise the pool") == true, "\(held)")
    }

    @Test func theGateHoldsStaleAndMissingVerdicts() async throws {
        let w = try World([Self.a: Self.published(Self.a), Self.b: Self.published(Self.b)])
        defer { w.stop() }
        _ = try await w.round(at: 1000)
        let records = try w.verdicts.all()
        #expect(PreflightGate.holds(records, domains: [Self.a, Self.b], now: 1000 + 1200, maxAge: 1200).isEmpty, "at the limit: fresh")
        let stale = PreflightGate.holds(records, domains: [Self.a, Self.b, "new.test"], now: 1000 + 1201, maxAge: 1200)
        #expect(Set(stale.keys) == [Self.a, Self.b, "new.test"])
        #expect(stale[Self.a]?.hasPrefix("DNS last checked 1970-01-01T00:16:40Z, more than 20 min ago") == true, "\(stale)")
        #expect(stale["new.test"]?.hasPrefix("no DNS verdict yet") == true)
    }
}
