import DNSRecords
import Inventory
import Providers
@testable import Reconciler
import Testing

/// The plan-time capability audit on its own: which desired records a
/// registrar's declared capabilities refuse, and how the refusal reads.
@Suite struct CapabilityAuditTests {
    static let at = SourceLocation(file: "inventory/groups/g.yaml", line: 12, column: 9)

    static func record(_ name: String, _ type: RecordType, _ value: String, ttl: Int = 3600,
                       ensure: Presence = .present) -> DesiredRecord {
        DesiredRecord(ensure: ensure, purpose: .extra, name: name, type: type, ttl: ttl, value: .known(value), location: at)
    }

    @Test func everyRecordTheRegistrarsHoldPasses() {
        let records = [Self.record("a.com", .MX, "10 mxa.mailgun.org"), Self.record("a.com", .CAA, "0 issue \"letsencrypt.org\""),
                       Self.record("www.a.com", .CNAME, "a.com"), Self.record("a.com", .TXT, "v=spf1 -all")]
        #expect(CapabilityAudit.problems(records, zone: "a.com", provider: "porkbun", capabilities: PorkbunProvider.capabilities).isEmpty)
        #expect(CapabilityAudit.problems(records, zone: "a.com", provider: "namecheap", capabilities: NamecheapProvider.capabilities).isEmpty)
    }

    @Test func anUnsupportedTypeIsRefusedNamingTheRecordAndWhereItWasWritten() {
        var c = PorkbunProvider.capabilities
        c.supportedTypes.remove(.CAA)
        let problems = CapabilityAudit.problems([Self.record("a.com", .CAA, "0 issue \"letsencrypt.org\"")], zone: "a.com",
                                                provider: "porkbun", capabilities: c)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("inventory/groups/g.yaml:12:9: CAA record a.com: porkbun DNS does not support CAA records") == true)
    }

    @Test func apexNameserversAndTTLsAboveTheMaximumAreRefused() {
        var c = NamecheapProvider.capabilities
        c.maximumTTL = 86_400
        let records = [Self.record("a.com", .NS, "ns1.example.net"), Self.record("sub.a.com", .NS, "ns1.example.net"),
                       Self.record("a.com", .TXT, "x", ttl: 100_000)]
        let problems = CapabilityAudit.problems(records, zone: "a.com", provider: "namecheap", capabilities: c)
        #expect(problems.count == 2)
        #expect(problems[0].contains("NS record a.com: namecheap owns the apex NS records"))
        #expect(problems[1].contains("TXT record a.com: TTL 100000 is above namecheap's maximum of 86400"))
    }

    @Test func recordsToRemoveAreNotAudited() {
        var c = PorkbunProvider.capabilities
        c.supportedTypes.remove(.CAA)
        let gone = Self.record("a.com", .CAA, "0 issue \"x.org\"", ensure: .absent)
        #expect(CapabilityAudit.problems([gone], zone: "a.com", provider: "porkbun", capabilities: c).isEmpty)
    }
}
