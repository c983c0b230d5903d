import DNSRecords
import Foundation
import Inventory
import Providers
import Testing
@testable import Reconciler

/// Web forwards as plan resources: diffed per host, batched with the zone,
/// rendered like records, turned into the provider's change set, and audited
/// against what the registrar's forwarding can do.
@Suite struct WebForwardPlanTests {
    let zone = "getacme.io"
    let site = WebForward(host: "@", location: "https://acme.com", code: .permanent, keepPath: true)
    var web: DesiredWeb {
        DesiredWeb(forwards: [site, WebForward(host: "www", location: "https://acme.com")], location: .builtIn)
    }

    func plan(observed: [WebForward], desired: DesiredWeb?) throws -> Plan {
        var b = PlanBuilder(inventoryHash: "inv")
        b.addWebForwards(ObservedZone(domain: zone, records: [], forwards: observed), desired: desired)
        return try b.build()
    }

    @Test func createsEachMissingForwardInTheZonesBatch() throws {
        let p = try plan(observed: [], desired: web)
        #expect(p.actions.map(\.id.rawValue) == ["create:\(zone)/webForward/@", "create:\(zone)/webForward/www"])
        #expect(p.actions.allSatisfy { $0.batch == "zone:\(zone)" && $0.observed == ResourceAddress(domain: zone, kind: .zone) })
        let text = TextRenderer().render(p)
        #expect(text.contains("+ web forward @ → https://acme.com (301)"))
        #expect(text.contains("+ web forward www → https://acme.com (301)"))
        #expect(MarkdownRenderer().render(p).contains("web forward @ → https://acme.com (301)"))
        let json = try JSONRenderer().render(p)
        #expect(json.contains("\"kind\" : \"webForward\"") && json.contains("\"location\" : \"https://acme.com\""))
    }

    @Test func matchingForwardsPlanNothingAndNoWebLeavesThemAlone() throws {
        #expect(try plan(observed: web.forwards, desired: web).actions.isEmpty)
        // web: none (or no web: at all) compiles to nil: even a forward elsewhere stays.
        let elsewhere = WebForward(host: "@", location: "https://other.example", code: .temporary, keepPath: false)
        #expect(try plan(observed: [elsewhere], desired: nil).actions.isEmpty)
    }

    @Test func changedForwardIsAnUpdateAndAnUnwantedWwwGoes() throws {
        var drifted = site
        drifted.code = .temporary
        drifted.location = "https://elsewhere.example"
        let stray = WebForward(host: "www", location: "https://acme.com")
        let p = try plan(observed: [drifted, stray], desired: DesiredWeb(forwards: [site], location: .builtIn))
        // Plan order: deletes before updates within a kind.
        #expect(p.actions.map(\.id.rawValue) == ["delete:\(zone)/webForward/www", "update:\(zone)/webForward/@"])
        let text = TextRenderer().render(p)
        #expect(text.contains("~ web forward @ → https://acme.com (301)"))
        #expect(text.contains("code: 302 → 301"))
        #expect(text.contains("- web forward www → https://acme.com (301)"))
        #expect(DriftReport().render(p).contains("~ web forward @ → https://acme.com (301)"))

        // The driver turns them into the registrar's change set.
        let set = try RegistrarZoneDriver.changeSet(p.actions, domain: zone)
        #expect(set.setForwards == [site])
        #expect(set.removeForwards == ["www"])
        #expect(set.create.isEmpty && set.delete.isEmpty)
    }

    @Test func pathDropIsRefusedWhereTheRegistrarCannotChoose() {
        let at = SourceLocation(file: "inventory/fleet.yaml", line: 12, column: 8)
        let dropping = DesiredWeb(forwards: [WebForward(host: "@", location: "https://acme.com", keepPath: false)], location: at)
        let refused = CapabilityAudit.problems(dropping, provider: "namecheap", capabilities: NamecheapProvider.capabilities)
        #expect(refused.count == 1)
        #expect(refused.first?.hasPrefix("inventory/fleet.yaml:12:8: web.path") == true)
        #expect(CapabilityAudit.problems(dropping, provider: "porkbun", capabilities: PorkbunProvider.capabilities).isEmpty)
        #expect(CapabilityAudit.problems(web, provider: "namecheap", capabilities: NamecheapProvider.capabilities).isEmpty)
    }
}
