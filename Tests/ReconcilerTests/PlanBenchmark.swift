import DNSRecords
import Foundation
import Store
import Testing
@testable import Reconciler

/// Not a test: `scripts/bench-plan` runs it with RECONCILE_BENCH=1 and
/// reads the printed figures. Plans a converged fleet from a warm
/// observation cache (SQLite) — read, decode, diff, fingerprint, render.
@Suite struct PlanBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RECONCILE_BENCH"] == "1"),
          arguments: [600, 6000])
    func warmCachePlan(domains n: Int) async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let cache = ObservationCache(store)
        let names = (0..<n).map { "fleet-\($0).example" }
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var rows: [Observation] = []
        for d in names {
            let records = Fixtures.mailRecords(d) + [Fixtures.rec("www.\(d)", .A, "192.0.2.1")]
            rows.append(Observation(address: ResourceAddress(domain: d, kind: .zone).description, domain: d, kind: "zone",
                                    state: try encoder.encode(records), hash: try ObservedHash.zone(records), observedAt: t0))
        }
        try await cache.save(rows)
        for d in names {
            try await RecordOwnership(store).record(domain: d, adding: try Fixtures.mailRecords(d).map { try OwnershipKey.encode($0.key) },
                                                    removing: [], now: t0)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let all = try await cache.all()
        let readDone = clock.now
        var b = PlanBuilder(inventoryHash: "inv")
        let ownedAll = try await RecordOwnership(store).ownedByDomain()
        for o in all {
            let records = try JSONDecoder().decode([DNSRecord].self, from: o.state)
            let owned = Set(try (ownedAll[o.domain] ?? []).map(OwnershipKey.decode))
            try b.addZone(o.domain, role: .active, rules: .porkbun,
                          desired: Fixtures.mailRecords(o.domain).map(TargetRecord.init), observed: records, owned: owned,
                          observedHash: o.hash)
        }
        let plan = try b.build()
        let planned = clock.now
        let text = TextRenderer().render(plan)
        let rendered = clock.now
        #expect(!plan.hasChanges)
        #expect(text.hasPrefix("\(n) unmanaged records kept in \(n) domains without changes."))
        print("bench-plan domains=\(n) cache_read_ms=\(ms(readDone - start)) plan_ms=\(ms(planned - readDone)) "
              + "render_ms=\(ms(rendered - planned)) total_ms=\(ms(rendered - start)) peak_rss_kb=\(peakRSS())")
    }

    func ms(_ d: Duration) -> Int { Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000) }

    func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }
}
