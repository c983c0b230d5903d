import Foundation
import Inventory
import Testing

/// `explain`'s origins on the repository's example inventory: each setting
/// points at the line where it is written, the domain's own override beats
/// the fleet default, and a setting not written is "built in".
@Suite struct DomainProvenanceTests {
    let compiled: CompiledInventory
    let dir = Fixtures.repositoryInventory

    init() throws { compiled = try InventoryLoader().loadAndCompile(directory: Fixtures.repositoryInventory) }

    func provenance(_ domain: String) throws -> DomainProvenance {
        try #require(DomainProvenance(domain: domain, inventory: compiled.inventory,
                                      index: InventorySourceIndex(files: compiled.inventory.files)))
    }

    /// The 1-based line of the first line of `file` that starts with `prefix` (after the line starting with `after`).
    func line(_ file: String, _ prefix: String, after: String? = nil) throws -> Int {
        let lines = try String(contentsOfFile: dir + "/" + file, encoding: .utf8).components(separatedBy: "\n")
        let from = try after.map { a in try #require(lines.firstIndex { $0.hasPrefix(a) }) } ?? 0
        return try #require(lines[from...].firstIndex { $0.hasPrefix(prefix) }) + 1
    }

    func origin(_ origins: [SettingOrigin], _ setting: String) throws -> SettingOrigin {
        try #require(origins.first { $0.setting == setting }, "\(setting) not in \(origins.map(\.setting))")
    }

    @Test func fleetDefaultsAndTheGroupPoolPointAtTheirLines() throws {
        let p = try provenance("acme-mail.de")
        let d = try #require(compiled.desired.domain(named: "acme-mail.de"))
        let mx = try #require(d.records(.mx).first)
        let inbound = try origin(p.origins(of: mx), "defaults.inbound")
        #expect(inbound.location?.file == dir + "/fleet.yaml")
        #expect(inbound.location?.line == (try line("fleet.yaml", "  inbound:")))
        #expect(try origin(p.origins(of: mx), "defaults.ttl").location?.line == (try line("fleet.yaml", "  ttl:")))
        #expect(try origin(p.origins(of: mx), "accounts.zoho.region").location?.line == (try line("fleet.yaml", "    region:", after: "  zoho:")))

        let dkim = try #require(d.records(.mailgunDKIM).first)
        let pool = try origin(p.origins(of: dkim), "groups.eu-outreach.pool")
        #expect(pool.location?.file == dir + "/groups/eu-outreach.yaml")
        #expect(pool.location?.line == (try line("groups/eu-outreach.yaml", "pool:")))
        #expect(pool.value == "mailgun-eu")

        let spf = try #require(d.records(.spf).first)
        #expect(try origin(p.origins(of: spf), "defaults.spf").location?.line == (try line("fleet.yaml", "  spf:")))
        // auto_renew is written nowhere: the built-in default.
        #expect(try origin(p.registration, "defaults.auto_renew").location == nil)
        #expect(p.entry.location?.line == (try line("groups/eu-outreach.yaml", "  - name: acme-mail.de")))
    }

    @Test func aDomainsOwnSettingsWin() throws {
        let routed = try provenance("acmehq.eu")
        let d = try #require(compiled.desired.domain(named: "acmehq.eu"))
        let mx = try #require(d.records(.mx).first)
        let inbound = try origin(routed.origins(of: mx), "domains.acmehq.eu.inbound")
        #expect(inbound.location?.line == (try line("groups/eu-outreach.yaml", "    inbound: { mode: mailgun-routing")))
        #expect(!routed.origins(of: mx).contains { $0.setting == "defaults.inbound" })

        let extra = try provenance("try-acme.eu")
        let caa = try #require(compiled.desired.domain(named: "try-acme.eu")?.records(.extra).first)
        let at = try origin(extra.origins(of: caa), "domains.try-acme.eu.extra_records[0]")
        #expect(at.location?.line == (try line("groups/eu-outreach.yaml", "      - { name: \"@\", type: CAA")))
    }

    @Test func nearNamesSuggestTheClosestDomains() {
        let names = compiled.desired.domains.map(\.name)
        #expect(NearNames.near("acme-mail.co", in: names).prefix(2).contains("acme-mail.com"))
        #expect(NearNames.near("acme-mail.fr", in: names).contains("acme-mail.de"))
        #expect(NearNames.near("zzzz-unrelated.example", in: names).isEmpty)
    }
}
