import DNSRecords
import Foundation
import Inventory
import Reconciler
import Resolver
import Testing
import TestSupport
import Watch

/// `check` against a real Knot serving the declared zone, then one break at
/// a time: each is found and named; a silent or failing server is "could
/// not check", never a difference.
@Suite("check against Knot", .serialized)
struct FleetCheckKnotTests {
    static let domain = "acme-mail.test"
    static let dkim = "k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC3"
    static let nameservers = ["curitiba.ns.porkbun.com", "fortaleza.ns.porkbun.com"]

    static func expected() -> ExpectedZone {
        let d = domain
        return ExpectedZone(domain: d, group: "g1", records: [
            .init(.mx, DNSRecord(name: d, type: .MX, ttl: 300, priority: 10, value: "mxa.mailgun.org")),
            .init(.mx, DNSRecord(name: d, type: .MX, ttl: 300, priority: 10, value: "mxb.mailgun.org")),
            .init(.spf, DNSRecord(name: d, type: .TXT, ttl: 300, value: "v=spf1 include:mailgun.org ~all")),
            .init(.dmarc, DNSRecord(name: "_dmarc.\(d)", type: .TXT, ttl: 300, value: "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-ops.com")),
            .init(.mailgunDKIM, DNSRecord(name: "mx._domainkey.\(d)", type: .TXT, ttl: 300, value: dkim)),
            .init(.tracking, DNSRecord(name: "email.\(d)", type: .CNAME, ttl: 300, value: "mailgun.org")),
        ], nameservers: nameservers)
    }

    /// The zone as apply leaves it, with one record unmanaged by us.
    static func published(replacing: [String: String] = [:], adding: [String] = []) -> String {
        var lines: [String: String] = [
            "ns": "@ NS curitiba.ns.porkbun.com.\n@ NS fortaleza.ns.porkbun.com.",
            "mx": "@ MX 10 mxa.mailgun.org.\n@ MX 10 mxb.mailgun.org.",
            "spf": "@ TXT \"v=spf1 include:mailgun.org ~all\"",
            "dmarc": "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-ops.com\"",
            "dkim": "mx._domainkey TXT \"\(dkim)\"",
            "tracking": "email CNAME mailgun.org.",
            "unmanaged": "www A 192.0.2.10\n@ TXT \"google-site-verification=abc\"",
        ]
        for (k, v) in replacing { lines[k] = v }
        return (lines.keys.sorted().map { lines[$0]! } + adding).joined(separator: "\n")
    }

    func check(_ knot: KnotServer, _ zone: ExpectedZone = expected()) async -> CheckReport {
        let server = DNSServer(address: "127.0.0.1", port: knot.port)
        return await FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1), nameserver: server).run([zone])
    }

    func problems(_ r: CheckReport) -> [String] {
        r.domains.flatMap(\.findings).filter { $0.status != .ok }.map { "\($0.name) \($0.type.rawValue) \($0.status.rawValue)" }
    }

    @Test func theDeclaredZoneIsAsDeclared() async throws {
        let knot = try KnotServer(zones: [Self.domain: Self.published()])
        defer { knot.stop() }
        let r = await check(knot)
        #expect(r.exitCode == 0, "\(CheckRender.text(r))")
        #expect(r.domains[0].findings.count == 6)
        #expect(CheckRender.text(r).contains("1 as declared, 0 with differences"))
    }

    @Test func eachBreakIsFoundAndNamed() async throws {
        let knot = try KnotServer(zones: [Self.domain: Self.published()])
        defer { knot.stop() }
        let d = Self.domain
        let breaks: [(String, [String: String], [String], String)] = [
            ("a broken DKIM key", ["dkim": "mx._domainkey TXT \"k=rsa; p=AAAA\""], [], "mx._domainkey.\(d) TXT different"),
            ("a missing DMARC", ["dmarc": ""], [], "_dmarc.\(d) TXT missing"),
            ("a second SPF record", [:], ["@ TXT \"v=spf1 include:spf.protection.outlook.com -all\""], "\(d) TXT competing"),
            ("an MX removed", ["mx": "@ MX 10 mxa.mailgun.org."], [], "\(d) MX different"),
            ("an NS change", ["ns": "@ NS ns1.example.net.\n@ NS ns2.example.net."], [], "\(d) NS different"),
            ("the tracking CNAME elsewhere", ["tracking": "email CNAME eu.mailgun.org."], [], "email.\(d) CNAME different"),
        ]
        for (what, replacing, adding, found) in breaks {
            try knot.replace(d, Self.published(replacing: replacing, adding: adding))
            let r = await check(knot)
            #expect(r.exitCode == 2, "\(what)")
            #expect(problems(r) == [found], "\(what): \(CheckRender.text(r))")
        }
        try knot.replace(d, Self.published())
        #expect(await check(knot).exitCode == 0, "fixed again")
    }

    /// Zoho's verification code shares the apex with the SPF: each is judged by its own rule.
    @Test func anApexVerificationCodeDoesNotHideASecondSPF() async throws {
        var zone = Self.expected()
        zone.records.insert(.init(.zohoVerification, DNSRecord(name: Self.domain, type: .TXT, ttl: 300, value: "zoho-verification=zb1.zmverify.zoho.com")), at: 0)
        let code = "@ TXT \"zoho-verification=zb1.zmverify.zoho.com\""
        let knot = try KnotServer(zones: [Self.domain: Self.published(adding: [code])])
        defer { knot.stop() }
        let clean = await check(knot, zone)
        #expect(clean.exitCode == 0, "\(CheckRender.text(clean))")
        #expect(clean.domains[0].findings.filter { $0.type == .TXT && $0.name == Self.domain }.map(\.purpose).sorted() == ["spf", "zoho-verification"])
        try knot.replace(Self.domain, Self.published(adding: [code, "@ TXT \"v=spf1 include:spf.protection.outlook.com -all\""]))
        #expect(problems(await check(knot, zone)) == ["\(Self.domain) TXT competing"])
    }

    @Test func spfOverTheLookupLimitIsADifference() async throws {
        let includes = (1...10).map { "include:spf\($0).example.net" }.joined(separator: " ")
        let spf = "v=spf1 include:mailgun.org \(includes) ~all"
        var zone = Self.expected()
        zone.records[2] = .init(.spf, DNSRecord(name: Self.domain, type: .TXT, ttl: 300, value: spf))
        let knot = try KnotServer(zones: [Self.domain: Self.published(replacing: ["spf": "@ TXT \"\(spf)\""])])
        defer { knot.stop() }
        let r = await check(knot, zone)
        let f = try #require(r.domains[0].findings.first { $0.purpose == "spf" })
        // mailgun.org's known cost plus ten includes of at least one lookup each.
        #expect(f.status == .different)
        #expect(f.detail?.contains("over the limit of 10") == true, "\(f)")
    }

    @Test func servfailAndSilenceCouldNotBeCheckedNeverDiffer() async throws {
        let knot = try KnotServer(zones: [Self.domain: nil])
        defer { knot.stop() }
        let r = await check(knot)
        #expect(r.exitCode == 1)
        #expect(r.domains[0].status == .unknown)
        #expect(r.domains[0].findings.allSatisfy { $0.status == .unknown }, "\(CheckRender.text(r))")
        #expect(CheckRender.text(r).contains("SERVFAIL"))

        // A server that never answers.
        let silent = try SilentUDP()
        defer { silent.close() }
        let quiet = await FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 200, triesPerServer: 1),
                                     nameserver: DNSServer(address: "127.0.0.1", port: silent.port)).run([Self.expected()])
        #expect(quiet.exitCode == 1)
        #expect(quiet.domains[0].findings.allSatisfy { !$0.isDifference })
    }

    @Test func aPendingValueAndAnUnreadableDomainAreReported() async throws {
        let knot = try KnotServer(zones: [Self.domain: Self.published()])
        defer { knot.stop() }
        var zone = Self.expected()
        zone.pending = [DesiredRecord(purpose: .zohoDKIM, name: "zmail._domainkey.\(Self.domain)", type: .TXT, ttl: 300,
                                      value: .afterApply(source: "zoho.dkim"), location: SourceLocation(file: "inventory/a.yaml", line: 3, column: 5))]
        let blocked = ExpectedZone(domain: "other.test", group: "g1", records: [], nameservers: [], blocked: "mailgun account \"main\" unreadable")
        let r = await FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1),
                                 nameserver: DNSServer(address: "127.0.0.1", port: knot.port)).run([zone, blocked])
        #expect(problems(r) == ["zmail._domainkey.\(Self.domain) TXT pending"])
        #expect(r.domains[1].status == .unknown)
        #expect(r.exitCode == 1)
        let md = CheckRender.markdown(r)
        #expect(md.contains("| `other.test` | | could not check | mailgun account \"main\" unreadable | |"))
        let json = try CheckRender.json(r)
        #expect(json.contains("\"status\" : \"pending\""))
    }
}
