import Foundation
import Providers
import Testing

/// The example inventory's `web:` through the real binary against the
/// sandbox emulators: planned, applied, converged, and a forward changed at
/// the registrar is drift that the next apply repairs.
@Suite struct WebForwardCommandTests {
    @Test func forwardsArePlannedAppliedAndRepaired() async throws {
        let f = try await EngineFixture.start()
        do {
            let plan = try await f.reconcile(["--plan"])
            #expect(plan.status == 0, "\(plan.stderr)")
            // Both registrars, apex and www.
            for line in ["+ web forward @ → https://acme.com (301)", "+ web forward www → https://acme.com (301)"] {
                #expect(plan.stdout.components(separatedBy: line).count - 1 == 6, "\(line)\n\(plan.stdout)")
            }
            #expect(try await f.converge())
            #expect(try await f.reconcile(["--plan", "--detailed-exitcode"]).status == 0)

            // Porkbun holds the forwards; its serving rows are not drift and were not deleted.
            let forwards = try await f.porkbun.getUrlForwarding("acme-mail.com")
            #expect(Set(forwards.map { $0.subdomain ?? "" }) == ["", "www"])
            #expect(forwards.allSatisfy { $0.location == "https://acme.com" && $0.type == "permanent" && $0.includePath?.value == "yes" })
            let rows = try await f.porkbun.retrieve("acme-mail.com")
            #expect(rows.contains { $0.name == "acme-mail.com" && $0.type == "ALIAS" && $0.content.hasSuffix(".porkbun.com") })
            // Namecheap holds them as URL301 rows of the zone.
            let hosts = try await f.namecheap.getHosts("acme-outreach.net").hosts
            #expect(Set(hosts.filter { $0.type == "URL301" }.map(\.name)) == ["@", "www"])

            // Someone points the apex elsewhere in the dashboard.
            let apex = try #require(forwards.first { ($0.subdomain ?? "") == "" })
            try await f.porkbun.deleteUrlForward("acme-mail.com", id: apex.id.value ?? "")
            try await f.porkbun.addUrlForward("acme-mail.com", .init(subdomain: "", location: "https://parked.example",
                                                                     type: "temporary", includePath: "no"))
            let drift = try await f.reconcile(["drift"])
            #expect(drift.status == 2, "\(drift.stdout)\n\(drift.stderr)")
            #expect(drift.stdout.contains("~ web forward @ → https://acme.com (301)"), "\(drift.stdout)")

            #expect(try await f.converge())
            #expect(try await f.reconcile(["drift"]).status == 0)
            let repaired = try await f.porkbun.getUrlForwarding("acme-mail.com")
            #expect(repaired.count == 2)
            #expect(repaired.allSatisfy { $0.location == "https://acme.com" && $0.type == "permanent" })
        } catch { await f.stop(); throw error }
        await f.stop()
    }
}
