import Foundation
import DNSRecords
import Inventory
import Providers
import Reconciler
import Store
import Testing

/// Issue #13 §2, API economy, counted on the emulators' request counters
/// while the real binary bootstraps the example inventory (3 Porkbun + 3
/// Namecheap domains, Mailgun US/EU, Zoho) from an empty world.
@Suite(.serialized) struct ApplyEconomyTests {
    static let porkbunRead = "porkbun dns/retrieve"
    static let namecheapRead = "namecheap namecheap.domains.dns.gethosts"

    @Test func anApplyStoresTheZonesItWroteAndMailgunWritesWithoutReadingBack() async throws {
        let f = try await EngineFixture.start()
        do {
            let inventory = try InventoryLoader().load(directory: f.dir + "/inventory").inventory
            func held(_ kind: AccountKind) -> Int { inventory.domains.filter { inventory.account(named: $0.registrar)?.kind == kind }.count }
            let porkbun = held(.porkbun), namecheap = held(.namecheap)
            #expect(porkbun > 0 && namecheap > 0)

            let plan = try await f.reconcile(["--plan", "--detailed-exitcode", "--format", "json", "--out", "first.json"])
            #expect(plan.status == 2, "\(plan.stdout)\n\(plan.stderr)")
            let first = try Plan.load(from: f.dir + "/first.json")
            let porkbunDomains = Set(inventory.domains.filter { inventory.account(named: $0.registrar)?.kind == .porkbun }.map(\.name))
            let forwarded = Set(first.actions.filter { $0.address.kind == .webForward && porkbunDomains.contains($0.address.domain) }
                .map(\.address.domain)).count
            #expect(f.requests[Self.porkbunRead] == porkbun && f.requests[Self.namecheapRead] == namecheap, "\(f.requests)")

            f.resetCounters()
            let apply = try await f.reconcile(["--apply", "--auto-approve"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
            let applied = f.requests
            // The apply's plan takes the zones from the cache; the first change set on a
            // Porkbun zone reads it (record ids), later ones start from the rows it wrote;
            // the re-plans between rounds take the written zones from the cache. Only a
            // change of web forwards reads the zone again (Porkbun adds rows of its own).
            #expect(applied[Self.porkbunRead] == porkbun + forwarded, "\(applied)")
            // Namecheap keeps its read before each whole-zone write (a foreign row added
            // since the plan must survive) and the read-back after it, stored in the cache:
            // no other zone read.
            let setHosts = applied["namecheap namecheap.domains.dns.sethosts"] ?? 0
            #expect((applied[Self.namecheapRead] ?? 0) == 2 * setHosts, "\(applied)")
            // One whole-zone write per domain carrying everything known (the Mailgun domain is
            // created first, so its DKIM value is in it), and a second only where Zoho's
            // verification unlocks its DKIM key.
            let namecheapDomains = Set(inventory.domains.filter { inventory.account(named: $0.registrar)?.kind == .namecheap }.map(\.name))
            let zohoCreated = Set(first.actions.filter { $0.operation == .create && $0.address.kind == .zohoDomain && $0.address.identity.isEmpty }
                .map(\.address.domain))
            #expect(setHosts == namecheap + namecheapDomains.intersection(zohoCreated).count, "\(applied)")
            // Mailgun: every credential and webhook written straight from the plan's
            // observation — the only reads are the re-plan's, one per domain and round,
            // where reading before each write made one per write.
            // (A loaded machine may need a second round while a verification waits: 2 per domain.)
            for region in ["us", "eu"] {
                let domains = applied["mailgun-\(region) POST /v4/domains"] ?? 0
                #expect(domains > 0, "\(applied)")
                for what in ["webhooks", "credentials"] {
                    let written = applied["mailgun-\(region) POST /v3/domains/:id/\(what)"] ?? 0
                    let reads = applied["mailgun-\(region) GET /v3/domains/:id/\(what)"] ?? 0
                    #expect(written > domains && reads <= 2 * domains,
                            "mailgun-\(region) \(what): \(reads) reads, \(written) writes for \(domains) domains; \(applied)")
                }
                // The domain create is not preceded by a read either: one GET per domain, the re-plan's.
                #expect((applied["mailgun-\(region) GET /v4/domains/:id"] ?? 0) <= 2 * domains, "\(applied)")
            }

            // Zoho: the domain and its DKIM key are created without a read first; what is
            // left is the read each verification needs (the domain's state, the key's id).
            let zohoDomains = applied["zoho POST /api/organization/:id/domains"] ?? 0
            #expect(zohoDomains > 0 && (applied["zoho GET /api/organization/:id/domains/:id"] ?? 0) <= 2 * zohoDomains, "\(applied)")

            // Converged, and the cache holds every zone: a warm plan reads none.
            f.resetCounters()
            let warm = try await f.reconcile(["--plan", "--refresh", "none", "--detailed-exitcode"])
            #expect(warm.status == 0, "\(warm.stdout)\n\(warm.stderr)")
            #expect(f.requests.isEmpty, "\(f.requests)")

            // What the apply stored is exactly what a fresh read returns: same hash,
            // and a plan from fresh reads shows no change.
            let stored = try await Self.zoneHashes(f)
            #expect(stored.count == porkbun + namecheap, "\(stored)")
            f.resetCounters()
            let full = try await f.reconcile(["--plan", "--refresh", "full", "--detailed-exitcode"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            #expect(f.requests[Self.porkbunRead] == porkbun && f.requests[Self.namecheapRead] == namecheap, "\(f.requests)")
            let fresh = try await Self.zoneHashes(f)
            #expect(fresh == stored)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// The whole-zone write keeps its read before it: a record added by hand
    /// between the plan (from the cache) and the write survives it, and the
    /// zone stored after the write holds it.
    @Test func aNamecheapWriteKeepsARecordAddedSinceThePlan() async throws {
        let f = try await EngineFixture.start()
        do {
            #expect(try await f.converge())
            let d = "try-acme.eu"
            try f.edit("groups/eu-outreach.yaml") {
                $0.replacingOccurrences(of: "      - { name: \"@\", type: CAA, value: '0 issue \"letsencrypt.org\"' }\n",
                                        with: "      - { name: \"@\", type: CAA, value: '0 issue \"letsencrypt.org\"' }\n"
                                            + "      - { name: \"site\", type: TXT, value: \"wanted-by-the-inventory\" }\n")
            }
            let plan = try await f.reconcile(["--plan", "--refresh", "none", "--detailed-exitcode"])
            #expect(plan.status == 2 && plan.stdout.contains("wanted-by-the-inventory"), "\(plan.stdout)\n\(plan.stderr)")

            let namecheap = NamecheapProvider(client: f.namecheap)
            let byHand = DNSRecord(name: "hand.\(d)", type: .TXT, ttl: 1800, value: "added-by-hand")
            _ = try await namecheap.apply(RecordChangeSet(domain: d, create: [byHand]))

            f.resetCounters()
            let apply = try await f.reconcile(["--apply", "--auto-approve", "--refresh", "none"])
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(f.requests["namecheap namecheap.domains.dns.sethosts"] == 1, "\(f.requests)")
            let now = try await namecheap.zone(d)
            #expect(now.keys.contains(byHand.key), "the record added by hand was lost: \(now)")
            #expect(now.keys.contains { $0.name == "site.\(d)" && $0.value == "wanted-by-the-inventory" }, "\(now)")

            // The stored zone is the read-back: it has the hand-made record, so nothing is stale.
            let stored = try await Self.zoneHashes(f)
            let full = try await f.reconcile(["--plan", "--refresh", "full", "--detailed-exitcode"])
            #expect(full.status == 0, "\(full.stdout)\n\(full.stderr)")
            #expect(try await Self.zoneHashes(f) == stored)
        } catch { await f.stop(); throw error }
        await f.stop()
    }

    /// Zone address → hash in the fixture's observation cache.
    static func zoneHashes(_ f: EngineFixture) async throws -> [String: String] {
        let store = try StateStore(path: f.dir + "/.reconcile/state.sqlite", warn: { _ in })
        let zones = try await ObservationCache(store).load(kinds: ["zone"])
        return Dictionary(uniqueKeysWithValues: zones.map { ($0.address, $0.hash) })
    }
}
