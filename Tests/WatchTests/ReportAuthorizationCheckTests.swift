import DNSRecords
import Foundation
import Inventory
import Reconciler
import Resolver
import Testing
import TestSupport
import Watch

/// The DMARC report authorisation the plan declares in the reports domain's
/// zone (RFC 7489 §7.1) is checked from DNS like any declared record, and a
/// real server answers a receiver's question for any reporting domain from
/// the one wildcard.
@Suite("report authorisation against Knot", .serialized)
struct ReportAuthorizationCheckTests {
    static let zone = "acme-mail.test"
    static let wildcard = DMARCReportAuthorization.name(domain: nil, destination: zone)

    static func expected() -> ExpectedZone {
        ExpectedZone(domain: zone, group: "g1", records: [
            .init(.dmarcReportAuthorization, DNSRecord(name: wildcard, type: .TXT, ttl: 300, value: DMARCReportAuthorization.value)),
        ], nameservers: [])
    }

    @Test func theWildcardIsFoundAnswersEveryReportingDomainAndItsAbsenceIsNamed() async throws {
        let knot = try KnotServer(zones: [Self.zone: "@ NS ns1.acme-mail.test.\n*._report._dmarc TXT \"v=DMARC1\""])
        defer { knot.stop() }
        let server = DNSServer(address: "127.0.0.1", port: knot.port)
        let check = FleetCheck(resolver: DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1), nameserver: server)
        let ok = await check.run([Self.expected()])
        #expect(ok.exitCode == 0, "\(CheckRender.text(ok))")
        #expect(ok.domains[0].findings.map { "\($0.name) \($0.purpose) \($0.status.rawValue)" }
                == ["\(Self.wildcard) dmarc-report-authorization ok"])

        // What a receiver asks before sending acme-outreach.test's reports here.
        let asked = DMARCReportAuthorization.name(domain: "acme-outreach.test", destination: Self.zone)
        let answer = await DNSResolver(timeoutMilliseconds: 300, triesPerServer: 1).resolve(DNSQuestion(asked, .TXT), at: [server])
        #expect(answer.known?.map(\.value) == ["v=DMARC1"], "\(answer)")

        try knot.replace(Self.zone, "@ NS ns1.acme-mail.test.")
        let missing = await check.run([Self.expected()])
        #expect(missing.exitCode == 2)
        #expect(missing.domains[0].findings.map { "\($0.name) \($0.status.rawValue)" } == ["\(Self.wildcard) missing"])
    }
}
