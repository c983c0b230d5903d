import DNSRecords
import Foundation
import Resolver
import Testing
import TestSupport

/// c-ares against a real Knot on loopback: every type the fleet manages,
/// and the answers that must never be read as "missing".
@Suite("Resolver against Knot", .serialized)
struct ResolverKnotTests {
    static let longDKIM = "v=DKIM1; k=rsa; p=" + String(repeating: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", count: 12)

    static func zone() -> String {
        // A 384-byte DKIM key split in two character-strings, as registrars publish it.
        let half = longDKIM.index(longDKIM.startIndex, offsetBy: 200)
        return """
            @ MX 10 mxa.mailgun.org.
            @ MX 20 mxb.mailgun.org.
            @ TXT "v=spf1 include:mailgun.org ~all"
            _dmarc TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-ops.com"
            mx._domainkey TXT "\(longDKIM[..<half])" "\(longDKIM[half...])"
            email CNAME mailgun.org.
            www A 192.0.2.10
            www AAAA 2001:db8::10
            big TXT "\(String(repeating: "a", count: 250))" "\(String(repeating: "b", count: 250))"
            big TXT "\(String(repeating: "c", count: 250))" "\(String(repeating: "d", count: 250))"
            big TXT "\(String(repeating: "e", count: 250))" "\(String(repeating: "f", count: 250))"
            """
    }

    @Test func everyManagedTypeIsReadAsPublished() async throws {
        let knot = try KnotServer(zones: ["acme-mail.test": Self.zone()])
        defer { knot.stop() }
        let server = DNSServer(address: "127.0.0.1", port: knot.port)
        let qs = [DNSQuestion("acme-mail.test", .MX), DNSQuestion("acme-mail.test", .TXT),
                  DNSQuestion("_dmarc.acme-mail.test", .TXT), DNSQuestion("mx._domainkey.acme-mail.test", .TXT),
                  DNSQuestion("email.acme-mail.test", .CNAME), DNSQuestion("www.acme-mail.test", .A),
                  DNSQuestion("www.acme-mail.test", .AAAA), DNSQuestion("acme-mail.test", .NS)]
        let a = await DNSResolver().resolve(qs, at: [server])
        #expect(a[0].known?.map { "\($0.priority ?? -1) \($0.value)" }.sorted() == ["10 mxa.mailgun.org", "20 mxb.mailgun.org"])
        #expect(a[1].known?.map(\.value) == ["v=spf1 include:mailgun.org ~all"])
        #expect(a[2].known?.map(\.value) == ["v=DMARC1; p=quarantine; rua=mailto:dmarc@acme-ops.com"])
        #expect(a[3].known?.map(\.value) == [Self.longDKIM], "two character-strings are one logical TXT value")
        #expect(a[4].known?.map(\.value) == ["mailgun.org"])
        #expect(a[5].known?.map(\.value) == ["192.0.2.10"])
        #expect(a[6].known?.map(\.value) == ["2001:db8::10"])
        #expect(a[7].known?.map(\.value) == ["ns1.acme-mail.test"])
    }

    @Test func missingNamesAndTypesAreFactsNotFailures() async throws {
        let knot = try KnotServer(zones: ["acme-mail.test": Self.zone()])
        defer { knot.stop() }
        let server = DNSServer(address: "127.0.0.1", port: knot.port)
        let a = await DNSResolver().resolve([DNSQuestion("nothing.acme-mail.test", .TXT),
                                             DNSQuestion("www.acme-mail.test", .MX),
                                             DNSQuestion("email.acme-mail.test", .TXT)], at: [server])
        #expect(a[0] == .nxdomain)
        #expect(a[1] == .records([]), "the name exists, the type does not: NODATA")
        #expect(a[2].known?.isEmpty == true, "a TXT question at a CNAME has no TXT of its own")
    }

    @Test func aTruncatedAnswerIsRetriedOverTCP() async throws {
        let knot = try KnotServer(zones: ["acme-mail.test": Self.zone()])
        defer { knot.stop() }
        let a = await DNSResolver().resolve(DNSQuestion("big.acme-mail.test", .TXT), at: [DNSServer(address: "127.0.0.1", port: knot.port)])
        #expect(a.known?.count == 3)
        #expect(a.known?.allSatisfy { $0.value.count == 500 } == true)
    }

    @Test func servfailRefusedAndSilenceAreUnknown() async throws {
        let knot = try KnotServer(zones: ["acme-mail.test": Self.zone(), "broken.test": nil])
        defer { knot.stop() }
        let server = DNSServer(address: "127.0.0.1", port: knot.port)
        let resolver = DNSResolver(timeoutMilliseconds: 200, triesPerServer: 1)
        let servfail = await resolver.resolve(DNSQuestion("broken.test", .MX), at: [server])
        #expect(servfail == .unknown("\(server): SERVFAIL"))
        let refused = await resolver.resolve(DNSQuestion("elsewhere.test", .MX), at: [server])
        #expect(refused == .unknown("\(server): REFUSED"))

        let silent = try SilentUDP()
        defer { silent.close() }
        let quiet = DNSServer(address: "127.0.0.1", port: silent.port)
        let timedOut = await resolver.resolve(DNSQuestion("acme-mail.test", .MX), at: [quiet])
        #expect(timedOut == .unknown("\(quiet): timed out"))
        #expect(timedOut.known == nil, "never read as missing")
    }

    @Test func anUnansweredQuestionGoesToTheNextServer() async throws {
        let knot = try KnotServer(zones: ["acme-mail.test": Self.zone()])
        defer { knot.stop() }
        let silent = try SilentUDP()
        defer { silent.close() }
        let servers = [DNSServer(address: "127.0.0.1", port: silent.port), DNSServer(address: "127.0.0.1", port: knot.port)]
        let qs = (0..<6).map { _ in DNSQuestion("acme-mail.test", .MX) }
        let a = await DNSResolver(timeoutMilliseconds: 200, triesPerServer: 1).resolve(qs, at: servers)
        #expect(a.allSatisfy { $0.known?.count == 2 }, "\(a)")
    }

    @Test func thousandsOfQuestionsUnderAPerServerCap() async throws {
        var records = ""
        for i in 0..<500 { records += "d\(i) TXT \"v=spf1 include:mailgun.org ~all\"\nd\(i) MX 10 mxa.mailgun.org.\n" }
        let knot = try KnotServer(zones: ["fleet.test": records])
        defer { knot.stop() }
        let qs = (0..<500).flatMap { [DNSQuestion("d\($0).fleet.test", .TXT), DNSQuestion("d\($0).fleet.test", .MX)] }
        let a = await DNSResolver(perServerLimit: 16).resolve(qs, at: [DNSServer(address: "127.0.0.1", port: knot.port)])
        #expect(a.count == 1_000)
        #expect(a.allSatisfy { $0.known?.count == 1 })
    }

    @Test func nameserverArgumentsParse() {
        #expect(DNSServer(parsing: "127.0.0.1:5353") == DNSServer(address: "127.0.0.1", port: 5353))
        #expect(DNSServer(parsing: "192.0.2.1") == DNSServer(address: "192.0.2.1", port: 53))
        #expect(DNSServer(parsing: "[::1]:53") == DNSServer(address: "::1", port: 53))
        #expect(DNSServer(parsing: "::1") == DNSServer(address: "::1", port: 53))
        #expect(DNSServer(parsing: "127.0.0.1:99999") == nil)
        #expect(DNSServer(parsing: "127.0.0.1:x") == nil)
        #expect(DNSServer(parsing: "dns.example.net:53") == nil, "c-ares takes addresses only")
    }
}
