import Testing
@testable import DNSRecords

@Suite struct DomainNameTests {
    @Test(arguments: [
        ("Acme-Mail.COM.", "acme-mail.com"),
        ("  acme.com  ", "acme.com"),
        ("acme.com..", "acme.com"),
        ("@", "@"),
        ("", ""),
        ("MX._DomainKey.Acme.com", "mx._domainkey.acme.com"),
    ])
    func normalize(_ input: String, _ expected: String) {
        #expect(DomainName.normalize(input) == expected)
    }

    /// Names already normalised are returned as they are; every answer is
    /// the full normalisation's (trim, lower-case, drop trailing dots).
    @Test func alreadyNormalisedNamesAreKeptAndEveryAnswerIsTheFullOnes() {
        func full(_ s: String) -> String {
            var n = s.trimmingWhitespace().lowercased()
            while n.hasSuffix(".") { n.removeLast() }
            return n
        }
        let inputs = ["acme.com", "_dmarc.acme.com", "xn--bcher-kva.de", "a", "", ".", "@", "acme.com.", "Acme.com",
                      "acme.com ", "\tacme.com", "acmé.com", "ACME", "a\u{7F}b", "k\u{212A}.com", "İ.com", "a..b", "-.x"]
        for name in inputs { #expect(DomainName.normalize(name) == full(name), "\(name.debugDescription)") }
        #expect(DomainName.isNormalized("mx._domainkey.acme-mail.com"))
        #expect(!DomainName.isNormalized("Acme.com") && !DomainName.isNormalized("acme.com.") && !DomainName.isNormalized(" acme.com"))
    }

    @Test(arguments: [
        ("@", "acme.com", "acme.com"),
        ("", "acme.com", "acme.com"),
        ("www", "acme.com", "www.acme.com"),
        ("_dmarc", "Acme.com.", "_dmarc.acme.com"),
        ("mx._domainkey.acme.com", "acme.com", "mx._domainkey.acme.com"),
        ("other.net.", "acme.com", "other.net"),
        ("EMAIL", "acme.com", "email.acme.com"),
    ])
    func absolute(_ host: String, _ zone: String, _ expected: String) {
        #expect(DomainName.absolute(host, zone: zone) == expected)
    }

    @Test(arguments: [
        ("acme.com", "acme.com", ""),
        ("mx._domainkey.acme.com.", "acme.com", "mx._domainkey"),
        ("other.net", "acme.com", "other.net"),
        ("notacme.com", "acme.com", "notacme.com"),
    ])
    func relative(_ name: String, _ zone: String, _ expected: String) {
        #expect(DomainName.relative(name, zone: zone) == expected)
    }

    @Test func recordsCanonicaliseNamesAndHosts() {
        let mx = DNSRecord(name: "Acme.COM.", type: .MX, ttl: 300, priority: 10, value: "MXA.Mailgun.org.")
        #expect(mx.name == "acme.com")
        #expect(mx.value == "mxa.mailgun.org")
        let txt = DNSRecord(name: "acme.com", type: .TXT, ttl: 300, value: "Case Kept")
        #expect(txt.value == "Case Kept")
    }

    @Test(arguments: [
        ("acme.com", true),
        ("_dmarc.acme.com", true),
        ("*.acme.com", true),
        (String(repeating: "a", count: 63) + ".com", true),
        (String(repeating: "a", count: 64) + ".com", false),
        ("a..com", false),
        ("-bad.com", false),
        ("bad-.com", false),
        ("sp ace.com", false),
        ((0..<60).map { _ in "abcd" }.joined(separator: "."), false), // 299 chars
        ((0..<50).map { _ in "abcd" }.joined(separator: "."), true),  // 249 chars
    ])
    func ownerNames(_ name: String, _ valid: Bool) {
        #expect(HostName.problems(name).isEmpty == valid)
    }

    @Test func hostnamesRejectUnderscoreAndWildcard() {
        #expect(!HostName.isValid("_spf.acme.com", hostname: true))
        #expect(!HostName.isValid("*.acme.com", hostname: true))
        #expect(HostName.isValid("mx.zoho.eu", hostname: true))
    }

    @Test func selectorFromName() {
        #expect(DKIMRecord.selector(fromName: "smtp._domainkey.acme.com") == "smtp")
        #expect(DKIMRecord.selector(fromName: "K1._DomainKey.acme.com.") == "k1")
        #expect(DKIMRecord.selector(fromName: "acme.com") == nil)
        #expect(DKIMRecord.name(selector: "zmail", domain: "Acme.com") == "zmail._domainkey.acme.com")
    }
}
