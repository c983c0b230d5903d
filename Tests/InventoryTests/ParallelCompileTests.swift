import Foundation
import Testing
@testable import Inventory

/// The compiler cuts the domains into runs compiled side by side; the
/// result, warnings and errors must not depend on how many.
@Suite struct ParallelCompileTests {
    /// The repository's example inventory: the same desired state and
    /// warnings from one run, a few, and more runs than domains.
    @Test func theExampleInventoryCompilesTheSameInAnyNumberOfParts() throws {
        let loaded = try InventoryLoader().load(directory: Fixtures.repositoryInventory)
        let one = try DesiredStateCompiler(parts: 1).compile(loaded.inventory)
        #expect(one.domains.count > 3)
        for parts in [2, 3, one.domains.count + 5] {
            let split = try DesiredStateCompiler(parts: parts).compile(loaded.inventory)
            #expect(split == one, "parts: \(parts)")
        }
    }

    /// Errors in a domain that lands in one run, and fleet-wide ones that
    /// every run finds (the SPF record of the Zoho domains over the lookup
    /// limit, no public base URL for the webhooks): the same located errors,
    /// each once.
    @Test func errorsAreTheSameAndEachReportedOnce() throws {
        let fleet = DesiredStateCompilerTests.fleet
            .replacingOccurrences(of: "monitoring:\n  public_base_url: https://hooks.example.org/", with: "")
            .replacingOccurrences(of: "  ttl: 1800\n", with: "  ttl: 1800\n  spf: { includes: [_spf.google.com, { domain: spf.big.example, lookups: 4 }] }\n")
        let group = DesiredStateCompilerTests.group.replacingOccurrences(of: "    mailboxes: [carol]\n", with:
            "    extra_records:\n      - { name: mg._domainkey, type: CNAME, value: elsewhere.example }\n    mailboxes: [carol]\n")
        let loaded = try InventoryLoader().load(files: [("fleet.yaml", fleet), ("g1.yaml", group)])
        func errors(_ parts: Int) -> [String] {
            do { _ = try DesiredStateCompiler(parts: parts).compile(loaded.inventory); return [] } catch {
                return error.errors.map(\.description)
            }
        }
        let one = errors(1)
        #expect(one.filter { $0.contains("defaults.spf.includes: the SPF record needs 11 DNS lookups") }.count == 1)
        #expect(one.filter { $0.contains("monitoring.public_base_url") }.count == 1)
        #expect(one.contains { $0.contains("domains[1].extra_records[0]") && $0.contains("a CNAME cannot share its name") })
        for parts in [2, 4, 9] { #expect(errors(parts) == one, "parts: \(parts)") }
    }
}
