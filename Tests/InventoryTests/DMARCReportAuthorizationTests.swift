import Foundation
import Testing
import Inventory

/// RFC 7489 §7.1: reports about a domain go to another domain only if that
/// one authorizes them. A reports domain in the inventory gets the records
/// planned; one outside it is a `validate` warning.
@Suite struct DMARCReportAuthorizationTests {
    static func compile(rua: String, group: String = DesiredStateCompilerTests.group) throws -> DesiredState {
        let fleet = DesiredStateCompilerTests.fleet.replacingOccurrences(of: "  ttl: 1800\n", with: "  ttl: 1800\n  dmarc: { rua: \"\(rua)\" }\n")
        return try DesiredStateCompilerTests.compile(fleet: fleet, group: group)
    }

    static func authorizations(_ d: DesiredState) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for domain in d.domains {
            let r = domain.records.filter { $0.purpose == .dmarcReportAuthorization && $0.ensure == .present }
            if !r.isEmpty { out[domain.name] = r.map(\.description) }
        }
        return out
    }

    @Test func aReportsDomainInTheInventoryPublishesOneWildcard() throws {
        let d = try Self.compile(rua: "mailto:dmarc@live.example")
        // Porkbun serves `*` names: one record covers every reporting domain.
        #expect(Self.authorizations(d) == ["live.example": ["*._report._dmarc.live.example 1800 TXT \"v=DMARC1\""]])
        #expect(d.domain(named: "live.example")?.records.first { $0.purpose == .dmarcReportAuthorization }?.ensure == .present)
        #expect(!d.warnings.contains { $0.path == "defaults.dmarc" })
    }

    @Test func aReportsSubdomainIsAuthorizedInItsZone() throws {
        let d = try Self.compile(rua: "mailto:agg@reports.routed.example")
        #expect(Self.authorizations(d) == ["routed.example": ["*._report._dmarc.reports.routed.example 1800 TXT \"v=DMARC1\""]])
    }

    @Test func aReportsDomainOutsideTheInventoryIsAWarningNamingTheLine() throws {
        let d = try Self.compile(rua: "mailto:dmarc@reports.elsewhere.org")
        #expect(Self.authorizations(d).isEmpty)
        #expect(d.warnings.map(\.description) == [
            "fleet.yaml:7:10: defaults.dmarc: DMARC reports go to reports.elsewhere.org but it is not a zone of this inventory: receivers drop them "
            + "unless it publishes live.example._report._dmarc.reports.elsewhere.org TXT \"v=DMARC1\" for each of the 3 domains, "
            + "or one *._report._dmarc.reports.elsewhere.org (RFC 7489 7.1)",
        ])
    }

    @Test func aReportsDomainInARetiredZoneIsAWarningToo() throws {
        let d = try Self.compile(rua: "mailto:dmarc@old.example")
        #expect(Self.authorizations(d).isEmpty)
        // A record once published there is torn down with the zone's other mail records.
        #expect(d.domain(named: "old.example")?.records.filter { $0.purpose == .dmarcReportAuthorization }.map(\.ensure) == [.absent])
        #expect(d.warnings.map(\.message).contains { $0.hasPrefix("DMARC reports go to old.example but its zone old.example is retired (g1.yaml:12:11)") })
    }

    /// The repository's example sends reports to reports.acme-ops.com, which it does not manage.
    @Test func theExampleInventoryWarnsAboutItsReportsDomain() throws {
        let compiled = try InventoryLoader().loadAndCompile(directory: Fixtures.repositoryInventory)
        let dmarc = compiled.warnings.filter { $0.path == "defaults.dmarc" }.map { Fixtures.relative($0, Fixtures.repositoryInventory) }
        #expect(dmarc == [
            "fleet.yaml:49:5: defaults.dmarc: DMARC reports go to reports.acme-ops.com but it is not a zone of this inventory: receivers drop them "
            + "unless it publishes acme-mail.com._report._dmarc.reports.acme-ops.com TXT \"v=DMARC1\" for each of the 6 domains, "
            + "or one *._report._dmarc.reports.acme-ops.com (RFC 7489 7.1)",
        ])
        #expect(Self.authorizations(compiled.desired).isEmpty)
    }
}
