import Testing
@testable import DNSRecords

@Suite struct SPFBuilderTests {
    struct BuildCase: Sendable, CustomTestStringConvertible {
        var label: String
        var builder: SPFBuilder
        var text: String
        var lookups: Int
        var testDescription: String { label }
    }

    static let buildCases: [BuildCase] = [
        BuildCase(label: "mailgun us + zoho com", builder: SPFBuilder(mailgun: .us, zoho: .com),
                  text: "v=spf1 include:mailgun.org include:zoho.com ~all", lookups: 3),
        BuildCase(label: "mailgun eu + zoho eu, hard fail", builder: SPFBuilder(mailgun: .eu, zoho: .eu, qualifier: .fail),
                  text: "v=spf1 include:eu.mailgun.org include:zoho.eu -all", lookups: 3),
        BuildCase(label: "mailgun only (routing inbound)", builder: SPFBuilder(mailgun: .us),
                  text: "v=spf1 include:mailgun.org ~all", lookups: 2),
        BuildCase(label: "zoho com.au, neutral", builder: SPFBuilder(zoho: .comAU, qualifier: .neutral),
                  text: "v=spf1 include:zoho.com.au ?all", lookups: 1),
        BuildCase(label: "user include from the table", builder: SPFBuilder(mailgun: .us, zoho: .com, includes: [.init("_spf.google.com")]),
                  text: "v=spf1 include:mailgun.org include:zoho.com include:_spf.google.com ~all", lookups: 7),
        BuildCase(label: "explicit cost", builder: SPFBuilder(mailgun: .us, includes: [.init("spf.crm.example", lookups: 3)]),
                  text: "v=spf1 include:mailgun.org include:spf.crm.example ~all", lookups: 5),
        BuildCase(label: "explicit cost overrides the table", builder: SPFBuilder(mailgun: .us, includes: [.init("_spf.google.com", lookups: 1)]),
                  text: "v=spf1 include:mailgun.org include:_spf.google.com ~all", lookups: 3),
        BuildCase(label: "duplicates dropped, case folded", builder: SPFBuilder(mailgun: .us, includes: [.init("Mailgun.org."), .init("sendgrid.net"), .init("SENDGRID.net")]),
                  text: "v=spf1 include:mailgun.org include:sendgrid.net ~all", lookups: 3),
        BuildCase(label: "exactly ten", builder: SPFBuilder(mailgun: .us, zoho: .com, includes: [.init("_spf.google.com"), .init("x.example", lookups: 3)]),
                  text: "v=spf1 include:mailgun.org include:zoho.com include:_spf.google.com include:x.example ~all", lookups: 10),
        BuildCase(label: "nothing", builder: SPFBuilder(qualifier: .fail), text: "v=spf1 -all", lookups: 0),
    ]

    @Test(arguments: buildCases)
    func builds(_ c: BuildCase) throws {
        let built = try c.builder.build()
        #expect(built.text == c.text)
        #expect(built.lookups == c.lookups)
        // The built record parses back and recounts to the same figure.
        let reparsed = try SPFRecord.parse(built.text)
        #expect(reparsed == built.record)
        let explicit = Dictionary(c.builder.includes.compactMap { i in i.lookups.map { (i.domain, $0) } }, uniquingKeysWith: { a, _ in a })
        #expect(SPFLookupCount.count(reparsed, explicit: explicit).total == c.lookups)
        #expect(built.warnings.contains { $0.code == .spfLookupsNearLimit } == (c.lookups >= 9))
    }

    struct FailCase: Sendable, CustomTestStringConvertible {
        var label: String
        var builder: SPFBuilder
        var code: DNSProblem.Code
        var testDescription: String { label }
    }

    static let failCases: [FailCase] = [
        FailCase(label: "eleven lookups", builder: SPFBuilder(mailgun: .us, zoho: .com, includes: [.init("_spf.google.com"), .init("x.example", lookups: 4)]),
                 code: .spfTooManyLookups),
        FailCase(label: "unknown include cost", builder: SPFBuilder(mailgun: .us, includes: [.init("spf.unknown-vendor.example")]),
                 code: .spfUnknownIncludeCost),
        FailCase(label: "+all", builder: SPFBuilder(mailgun: .us, qualifier: .pass), code: .spfPermissiveAll),
        FailCase(label: "empty include", builder: SPFBuilder(includes: [.init("")]), code: .spfSyntax),
        FailCase(label: "include with a space", builder: SPFBuilder(includes: [.init("a b.example", lookups: 1)]), code: .spfSyntax),
    ]

    @Test(arguments: failCases)
    func refuses(_ c: FailCase) {
        #expect(throws: DNSProblem.self) { try c.builder.build() }
        do { _ = try c.builder.build() } catch { #expect(error.code == c.code) }
    }

    @Test func tooManyLookupsMessageNamesTheCount() {
        let b = SPFBuilder(mailgun: .us, zoho: .com, includes: [.init("_spf.google.com"), .init("spf.protection.outlook.com"),
                                                                  .init("sendgrid.net"), .init("amazonses.com")])
        do {
            _ = try b.build()
            Issue.record("expected an error")
        } catch {
            #expect(error.message.hasPrefix("the SPF record needs 11 DNS lookups; RFC 7208 allows 10"))
        }
    }
}

@Suite struct SPFParserTests {
    @Test(arguments: [
        "v=spf1 include:mailgun.org ~all",
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx:mail.example.com/24 -all",
        "v=spf1 a/24//64 mx//64 exists:%{i}._spf.example.com ?all",
        "v=spf1 redirect=_spf.example.com",
        "v=spf1 include:a.example exp=explain.example.com -all",
        "v=spf1 +mx -all",
        "v=spf1",
    ])
    func roundTrips(_ text: String) throws {
        #expect(try SPFRecord.parse(text).description == text)
    }

    @Test(arguments: [
        ("v=spf1 include:mailgun.org ~all", 2),
        ("v=spf1 a mx ptr exists:x.example -all", 4),
        ("v=spf1 ip4:192.0.2.1 ip6:::1 -all", 0),
        ("v=spf1 redirect=zoho.com", 1),
        ("v=spf1 include:unknown.example include:zoho.eu -all", 2),
    ])
    func countsLookups(_ text: String, _ expected: Int) throws {
        #expect(SPFLookupCount.count(try SPFRecord.parse(text)).total == expected)
    }

    @Test(arguments: [
        ("v=spf2 -all", DNSProblem.Code.spfNotSPF),
        ("spf1 -all", .spfNotSPF),
        ("v=spf1 incl:x.com -all", .spfUnknownMechanism),
        ("v=spf1 include -all", .spfSyntax),
        ("v=spf1 include: -all", .spfSyntax),
        ("v=spf1 all:x.com", .spfSyntax),
        ("v=spf1 ip4:300.1.1.1 -all", .spfSyntax),
        ("v=spf1 ip4:192.0.2.0/33 -all", .spfSyntax),
        ("v=spf1 ip6:2001:db8::g -all", .spfSyntax),
        ("v=spf1 ip6:1:2:3:4:5:6:7:8:9 -all", .spfSyntax),
        ("v=spf1 a/99 -all", .spfSyntax),
        ("v=spf1 ptr/24 -all", .spfSyntax),
        ("v=spf1 redirect= -all", .spfSyntax),
        ("v=spf1 1bad=x", .spfSyntax),
    ])
    func rejects(_ text: String, _ code: DNSProblem.Code) {
        #expect(throws: DNSProblem.self) { try SPFRecord.parse(text) }
        do { _ = try SPFRecord.parse(text) } catch { #expect(error.code == code) }
    }

    @Test func findsProviderIncludes() throws {
        let r = try SPFRecord.parse("v=spf1 include:Mailgun.org include:zoho.eu ~all")
        #expect(r.includes("mailgun.org"))
        #expect(r.includes("ZOHO.EU."))
        #expect(!r.includes("zoho.com"))
        #expect(SPFRecord.isSPF("V=SPF1 -all"))
        #expect(!SPFRecord.isSPF("v=spf10 -all"))
    }
}

@Suite struct SPFLinterTests {
    @Test(arguments: [
        ("v=spf1 include:mailgun.org include:zoho.com ~all", [DNSProblem.Code]()),
        ("v=spf1 include:mailgun.org +all", [.spfPermissiveAll]),
        ("v=spf1 -all include:mailgun.org", [.spfAllNotLast]),
        ("v=spf1 include:mailgun.org", [.spfNoAll]),
        ("v=spf1 include:zoho.com include:zoho.com ~all", [.spfDuplicateTerm]),
        ("v=spf1 ptr ~all", [.spfPtr]),
        ("v=spf1 redirect=a.example redirect=b.example", [.spfUnknownIncludeCost, .spfUnknownIncludeCost, .spfDuplicateModifier]),
        ("v=spf1 include:zoho.com redirect=zoho.eu ~all", [.spfRedirectWithAll]),
        ("v=spf1 include:other.example ~all", [.spfUnknownIncludeCost]),
        ("v=spf1 include:_spf.google.com include:spf.protection.outlook.com include:mailgun.org include:zoho.com ~all", [.spfLookupsNearLimit]),
        ("v=spf1 include:_spf.google.com include:_spf.google.com include:mailgun.org include:zoho.com ~all",
         [.spfTooManyLookups, .spfDuplicateTerm]),
        ("v=spf1 a mx a:b.example mx:c.example ptr exists:d.example include:zoho.com include:zoho.eu include:zoho.in include:zoho.jp include:zoho.com.au ~all",
         [.spfTooManyLookups, .spfPtr]),
        ("include:mailgun.org ~all", [.spfNotSPF]),
    ])
    func lints(_ text: String, _ codes: [DNSProblem.Code]) {
        let problems = SPFLinter.lint(text, name: "acme.com")
        #expect(problems.map(\.code) == codes)
        #expect(problems.allSatisfy { $0.name == "acme.com" })
    }

    @Test func explicitCostsSilenceUnknownIncludes() {
        #expect(SPFLinter.lint("v=spf1 include:crm.example ~all", explicit: ["crm.example": 2]).isEmpty)
        #expect(SPFLinter.lint("v=spf1 include:crm.example ~all", explicit: ["crm.example": 11]).map(\.code) == [.spfTooManyLookups])
    }
}
