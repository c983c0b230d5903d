import Testing
@testable import DNSRecords

@Suite struct RecordValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var record: DNSRecord
        var codes: [DNSProblem.Code]
        var testDescription: String { record.description }
        init(_ name: String, _ type: RecordType, _ value: String, ttl: Int = 3600, priority: Int? = nil, _ codes: [DNSProblem.Code] = []) {
            record = DNSRecord(name: name, type: type, ttl: ttl, priority: priority, value: value)
            self.codes = codes
        }
    }

    static let cases: [Case] = [
        Case("acme.com", .A, "192.0.2.1"),
        Case("acme.com", .A, "1.2.3", [.invalidAddress]),
        Case("acme.com", .A, "01.2.3.4", [.invalidAddress]),
        Case("acme.com", .A, "256.0.0.1", [.invalidAddress]),
        Case("acme.com", .AAAA, "2001:db8::1"),
        Case("acme.com", .AAAA, "::ffff:192.0.2.1"),
        Case("acme.com", .AAAA, "1:2:3:4:5:6:7:8"),
        Case("acme.com", .AAAA, "2001:db8:::1", [.invalidAddress]),
        Case("acme.com", .AAAA, "1::2::3", [.invalidAddress]),
        Case("acme.com", .AAAA, "192.0.2.1", [.invalidAddress]),
        Case("acme.com", .MX, "mx.zoho.eu", priority: 10),
        Case("acme.com", .MX, "mx.zoho.eu", [.missingPriority]),
        Case("acme.com", .MX, "mx.zoho.eu", priority: 70000, [.priorityOutOfRange]),
        Case("acme.com", .MX, ".", priority: 0),                       // RFC 7505 null MX
        Case("acme.com", .TXT, "v=spf1 -all", priority: 5, [.unexpectedPriority]),
        Case("acme.com", .TXT, "x", ttl: 30, [.ttlOutOfRange]),
        Case("acme.com", .TXT, "x", ttl: 2_000_000, [.ttlOutOfRange]),
        Case("acme.com", .TXT, String(repeating: "x", count: 5000), [.txtTooLong]),
        Case("email.acme.com", .CNAME, "mailgun.org"),
        Case("email.acme.com", .CNAME, "not a host", [.invalidHost]),
        Case("email.acme.com", .CNAME, "localhost", [.invalidHost]),
        Case("acme.com", .NS, "curitiba.ns.porkbun.com"),
        Case("acme.com", .CAA, "0 issue \"letsencrypt.org\""),
        Case("acme.com", .CAA, "128 iodef \"mailto:sec@acme.com\""),
        Case("acme.com", .CAA, "issue letsencrypt.org", [.invalidCAA]),
        Case("acme.com", .CAA, "256 issue \"x\"", [.invalidCAA]),
        Case("acme.com", .CAA, "0 is-sue \"x\"", [.invalidCAA]),
        Case("acme.com", .CAA, "0 issue \"x", [.invalidCAA]),
        Case(String(repeating: "a", count: 64) + ".acme.com", .TXT, "x", [.labelTooLong]),
        Case("a..acme.com", .TXT, "x", [.emptyLabel]),
        Case("_dmarc.acme.com", .TXT, "v=DMARC1; p=none"),
        Case("", .TXT, "x", [.emptyName]),
        Case((0..<60).map { _ in "abcd" }.joined(separator: ".") + ".com", .TXT, "x", [.nameTooLong]),
    ]

    @Test(arguments: cases)
    func validates(_ c: Case) {
        #expect(RecordValidator().problems(c.record).map(\.code) == c.codes)
    }

    @Test func ttlRangeIsConfigurable() {
        let r = DNSRecord(name: "acme.com", type: .TXT, ttl: 300, value: "x")
        #expect(RecordValidator(ttlRange: 600...86400).problems(r).map(\.code) == [.ttlOutOfRange])
        #expect(RecordValidator(ttlRange: 600...86400).problems(r).first?.message == "TTL 300 is outside 600–86400 seconds")
    }
}

@Suite struct ConflictCheckerTests {
    static func r(_ name: String, _ type: RecordType, _ value: String, priority: Int? = nil) -> DNSRecord {
        DNSRecord(name: name, type: type, ttl: 3600, priority: priority, value: value)
    }

    /// What the compiler emits for a Zoho-inbound EU domain: no conflict.
    static let healthyZone: [DNSRecord] = MXSet.zoho(.eu, domain: "acme.de", ttl: 3600) + [
        r("acme.de", .TXT, "v=spf1 include:eu.mailgun.org include:zoho.eu ~all"),
        r("acme.de", .TXT, "zoho-verification=zb123.zmverify.zoho.eu"),
        r("_dmarc.acme.de", .TXT, "v=DMARC1; p=none"),
        r("smtp._domainkey.acme.de", .TXT, "k=rsa; p=AAAA"),
        r("zmail._domainkey.acme.de", .TXT, "v=DKIM1; k=rsa; p=AAAA"),
        r("email.acme.de", .CNAME, "eu.mailgun.org"),
    ]

    @Test func healthyZoneHasNoConflicts() {
        #expect(ConflictChecker.problems(Self.healthyZone, zone: "acme.de").isEmpty)
    }

    @Test(arguments: [
        ([r("acme.de", .CNAME, "elsewhere.net")], [DNSProblem.Code.cnameAtApex, .cnameWithOtherRecords]),
        ([r("email.acme.de", .TXT, "hello")], [.cnameWithOtherRecords]),
        ([r("email.acme.de", .CNAME, "mailgun.org")], [.multipleCNAMEs]),
        ([r("acme.de", .TXT, "v=spf1 include:zoho.eu -all")], [.multipleSPF]),
        ([r("_dmarc.acme.de", .TXT, "v=DMARC1; p=reject")], [.multipleDMARC]),
        ([r("acme.de", .TXT, "zoho-verification=zb123.zmverify.zoho.eu")], [.duplicateRecord]),
        ([r("acme.de", .MX, "mx.zoho.eu", priority: 10)], [.duplicateRecord]),
        ([r("www.acme.de", .A, "192.0.2.1"), r("www.acme.de", .AAAA, "2001:db8::1")], []),
    ])
    func detects(_ extra: [DNSRecord], _ codes: [DNSProblem.Code]) {
        let problems = ConflictChecker.problems(Self.healthyZone + extra, zone: "acme.de")
        #expect(problems.map(\.code) == codes)
        #expect(problems.allSatisfy { $0.name != nil })
    }

    @Test func apexCNAMEBesideMXIsBothErrors() {
        let problems = ConflictChecker.problems([Self.r("acme.de", .CNAME, "x.net"), Self.r("acme.de", .MX, "mx.zoho.eu", priority: 10)], zone: "acme.de")
        #expect(problems.map(\.code) == [.cnameAtApex, .cnameWithOtherRecords])
        #expect(problems.last?.message == "a CNAME cannot share its name with other records (MX)")
    }
}

@Suite struct ProviderRecordTests {
    @Test(arguments: ZohoRegion.allCases)
    func zohoMX(_ dc: ZohoRegion) {
        let mx = MXSet.zoho(dc, domain: "Acme.com", ttl: 3600)
        #expect(mx.map(\.priority) == [10, 20, 50])
        #expect(mx.map(\.value) == ["mx", "mx2", "mx3"].map { "\($0).zoho.\(dc.rawValue)" })
        #expect(mx.allSatisfy { $0.name == "acme.com" && RecordValidator().problems($0).isEmpty })
    }

    @Test func mailgunMX() {
        #expect(MXSet.mailgun(.us, domain: "a.com", ttl: 600).map(\.description) == ["a.com 600 MX 10 mxa.mailgun.org", "a.com 600 MX 10 mxb.mailgun.org"])
        #expect(MXSet.mailgun(.eu, domain: "a.com", ttl: 600).map(\.value) == ["mxa.eu.mailgun.org", "mxb.eu.mailgun.org"])
    }

    @Test func providerFacts() {
        #expect(MailgunRegion.us.trackingTarget == "mailgun.org")
        #expect(MailgunRegion.eu.trackingTarget == "eu.mailgun.org")
        #expect(ZohoRegion.comAU.spfInclude == "zoho.com.au")
        #expect(ZohoRegion.com.verificationTXT(code: "zb60906216") == "zoho-verification=zb60906216.zmverify.zoho.com")
    }
}
