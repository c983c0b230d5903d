import Testing
@testable import DNSRecords

@Suite struct DMARCTests {
    @Test func parsesEveryTag() throws {
        let r = try DMARCRecord.parse("v=DMARC1; p=reject; sp=quarantine; rua=mailto:a@acme.com,mailto:b@reports.example!10m; ruf=mailto:f@acme.com; pct=50; adkim=s; aspf=r; fo=0:d; ri=86400;")
        #expect(r.policy == .reject)
        #expect(r.subdomainPolicy == .quarantine)
        #expect(r.rua == [DMARCReportURI(address: "a@acme.com"), DMARCReportURI(address: "b@reports.example", sizeLimit: "10m")])
        #expect(r.ruf.map(\.address) == ["f@acme.com"])
        #expect(r.pct == 50)
        #expect(r.adkim == .strict)
        #expect(r.aspf == .relaxed)
        #expect(r.fo == ["0", "d"])
        #expect(r.ri == 86400)
        #expect(r.description == "v=DMARC1; p=reject; sp=quarantine; rua=mailto:a@acme.com,mailto:b@reports.example!10m; ruf=mailto:f@acme.com; pct=50; adkim=s; aspf=r; fo=0:d; ri=86400")
        #expect(try DMARCRecord.parse(r.description) == r)
    }

    @Test func toleratesSpacingAndCase() throws {
        let r = try DMARCRecord.parse("  v=DMARC1 ;P = Quarantine ; RUA = mailto:d@acme.com ")
        #expect(r.policy == .quarantine)
        #expect(r.rua.first?.address == "d@acme.com")
        #expect(DMARCRecord.isDMARC("v = DMARC1; p=none"))
        #expect(!DMARCRecord.isDMARC("v=spf1 -all"))
    }

    @Test(arguments: [
        ("v=DMARC2; p=none", DNSProblem.Code.dmarcNotDMARC),
        ("p=none; v=DMARC1", .dmarcNotDMARC),
        ("", .dmarcNotDMARC),
        ("v=DMARC1", .dmarcMissingPolicy),
        ("v=DMARC1; p=block", .dmarcInvalidValue),
        ("v=DMARC1; p=none; sp=all", .dmarcInvalidValue),
        ("v=DMARC1; p=none; pct=101", .dmarcInvalidValue),
        ("v=DMARC1; p=none; pct=-1", .dmarcInvalidValue),
        ("v=DMARC1; p=none; pct=5.5", .dmarcInvalidValue),
        ("v=DMARC1; p=none; adkim=x", .dmarcInvalidValue),
        ("v=DMARC1; p=none; aspf=relaxed", .dmarcInvalidValue),
        ("v=DMARC1; p=none; fo=2", .dmarcInvalidValue),
        ("v=DMARC1; p=none; fo=0::1", .dmarcInvalidValue),
        ("v=DMARC1; p=none; ri=abc", .dmarcInvalidValue),
        ("v=DMARC1; p=none; ri=99999999999", .dmarcInvalidValue),
        ("v=DMARC1; p=none; rf=iodef", .dmarcInvalidValue),
        ("v=DMARC1; p=none; rua=https://acme.com/r", .dmarcInvalidURI),
        ("v=DMARC1; p=none; rua=mailto:not-an-address", .dmarcInvalidURI),
        ("v=DMARC1; p=none; rua=mailto:a@acme.com!10x", .dmarcInvalidURI),
        ("v=DMARC1; p=none; rua=mailto:a@acme.com,", .dmarcInvalidURI),
        ("v=DMARC1; p=none; ruf=mailto:a@localhost", .dmarcInvalidURI),
        ("v=DMARC1; p=none; p=reject", .dmarcDuplicateTag),
        ("v=DMARC1; p=none;; rua=mailto:a@acme.com", .dmarcSyntax),
        ("v=DMARC1; p=none; garbage", .dmarcSyntax),
        ("v=DMARC1; p=none; 9x=1", .dmarcSyntax),
    ])
    func rejects(_ text: String, _ code: DNSProblem.Code) {
        #expect(throws: DNSProblem.self) { try DMARCRecord.parse(text) }
        do { _ = try DMARCRecord.parse(text) } catch { #expect(error.code == code) }
        #expect(DMARCLinter.lint(text, domain: "acme.com").map(\.code) == [code])
    }

    @Test(arguments: [
        ("v=DMARC1; p=none; rua=mailto:dmarc@acme.com", [DNSProblem.Code]()),
        ("v=DMARC1; p=reject; rua=mailto:d@reports.acme.com; pct=100", []),
        ("v=DMARC1; rua=mailto:dmarc@acme.com; p=none", [.dmarcPolicyNotSecond]),
        ("v=DMARC1; p=none; pct=50; rua=mailto:d@acme.com", [.dmarcWeak]),
        ("v=DMARC1; p=quarantine", [.dmarcWeak]),
        ("v=DMARC1; p=none; rua=mailto:d@reports.other.org", [.dmarcExternalReports]),
        ("v=DMARC1; p=none; rua=mailto:d@acme.com; foo=bar", [.dmarcUnknownTag]),
    ])
    func lints(_ text: String, _ codes: [DNSProblem.Code]) {
        let problems = DMARCLinter.lint(text, domain: "acme.com")
        #expect(problems.map(\.code) == codes)
        #expect(problems.allSatisfy { $0.name == "_dmarc.acme.com" && !$0.isError })
    }

    @Test func externalReportMessageNamesTheAuthorisationRecord() {
        let p = DMARCLinter.lint("v=DMARC1; p=none; rua=mailto:d@reports.other.org", domain: "Acme.com")
        #expect(p.first?.message == "reports go to reports.other.org: it must publish acme.com._report._dmarc.reports.other.org (RFC 7489 7.1)")
    }
}
