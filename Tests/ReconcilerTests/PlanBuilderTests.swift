import DNSRecords
import Foundation
import Providers
import Store
import Testing
@testable import Reconciler

@Suite struct PlanBuilderTests {
    let zone = "acme-mail.com"

    @Test func fingerprintCoversTouchedResourcesOnly() throws {
        var b = PlanBuilder(inventoryHash: "inv")
        let observed = Array(Fixtures.mailRecords(zone).prefix(3))
        try b.addZone(zone, role: .active, rules: .porkbun, desired: Fixtures.mailRecords(zone).map(TargetRecord.init),
                      observed: observed, owned: [])
        let mg = ResourceAddress(domain: zone, kind: .mailgunDomain)
        try b.addResource(mg, desired: ResourceState(["region": .string("eu")]), observed: ResourceState(["region": .string("us")]))
        // Unchanged resources are observed but not touched.
        try b.addZone("quiet.org", role: .active, rules: .porkbun, desired: [], observed: [], owned: [])
        b.block("brand-send.net", reason: "not in account: register it first")
        b.notRead("later.net")
        let plan = try b.build()

        #expect(plan.counts.create == 3)
        #expect(plan.counts.update == 1)
        #expect(Set(plan.fingerprint.observed.keys) == ["\(zone)/zone/", "\(zone)/mailgunDomain/"])
        #expect(plan.fingerprint.observed["\(zone)/zone/"] == (try ObservedHash.zone(observed)))
        #expect(plan.summary(for: "brand-send.net")?.blocked == "not in account: register it first")
        #expect(plan.summary(for: "later.net")?.notRead == true)
        #expect(plan.summary(for: zone)?.managedRecords == 3)

        // Re-observing the same world (records in another order) is fresh;
        // one changed record makes the plan stale and names the zone.
        try plan.checkFresh(against: PlanFingerprint(inventory: "inv", observed: [
            "\(zone)/zone/": try ObservedHash.zone(observed.reversed()),
            "\(zone)/mailgunDomain/": try ObservedHash.resource(ResourceState(["region": .string("us")])),
        ]))
        var changed = observed
        changed[0].ttl = 60
        #expect(throws: StalePlan(reasons: [.resourceChanged("\(zone)/zone/")])) {
            try plan.checkFresh(against: PlanFingerprint(inventory: "inv", observed: [
                "\(zone)/zone/": try ObservedHash.zone(changed),
                "\(zone)/mailgunDomain/": try ObservedHash.resource(ResourceState(["region": .string("us")])),
            ]))
        }
    }

    @Test func resourceDiffComparesOnlyDeclaredKnownAttributes() {
        let addr = ResourceAddress(domain: zone, kind: .mailgunDomain)
        let have = ResourceState(["region": .string("us"), "id": .string("mg-123"), "dkim": .string("k=rsa; p=X")])
        let mgRef = OutputReference(action: ActionID(.create, addr), output: "dkim.value")
        #expect(ResourceDiff.diff(addr, desired: ResourceState(["region": .string("us"), "dkim": .knownAfterApply(mgRef)]),
                                  observed: have) == nil)
        let update = ResourceDiff.diff(addr, desired: ResourceState(["region": .string("eu")]), observed: have)
        #expect(update?.operation == .update)
        #expect(update?.before == ResourceState(["region": .string("us")]))
        #expect(ResourceDiff.diff(addr, desired: nil, observed: have) == nil)
        #expect(ResourceDiff.diff(addr, desired: nil, observed: have, removeIfUndesired: true)?.operation == .delete)
        #expect(ResourceDiff.diff(addr, desired: have, observed: nil)?.operation == .create)
    }
}

@Suite struct ObserveTests {
    @Test func cachedReaderFollowsTheRefreshPolicy() async throws {
        let tmp = TempStore(); defer { tmp.remove() }
        let cache = ObservationCache(try tmp.open())
        let address = ResourceAddress(domain: "a.com", kind: .zone)
        let records = [Fixtures.rec("a.com", .MX, "mx.zoho.com", prio: 10)]
        let fetches = Counter()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        func reader(_ policy: RefreshPolicy, at: TimeInterval) -> CachedReader {
            CachedReader(cache: cache, policy: policy, now: { t0.addingTimeInterval(at) })
        }
        let fetch: @Sendable () async throws -> [DNSRecord] = { await fetches.bump(); return records }
        let first = try await reader(.auto(maxAge: 300), at: 0).read(address, hash: ObservedHash.zone, fetch: fetch)
        #expect(!first.fromCache)
        #expect(first.hash == (try ObservedHash.zone(records)))
        let warm = try await reader(.auto(maxAge: 300), at: 100).read(address, hash: ObservedHash.zone, fetch: fetch)
        #expect(warm.fromCache && warm.value == records && warm.observedAt == t0)
        let old = try await reader(.auto(maxAge: 300), at: 400).read(address, hash: ObservedHash.zone, fetch: fetch)
        #expect(!old.fromCache)
        _ = try await reader(.full, at: 401).read(address, hash: ObservedHash.zone, fetch: fetch)
        let none = try await reader(.none, at: 99_999).read(address, hash: ObservedHash.zone, fetch: fetch)
        #expect(none.fromCache)
        #expect(await fetches.value == 3)
    }

    @Test func boundedMapKeepsOrderAndLimit() async throws {
        let gauge = Counter()
        let out = try await boundedMap(Array(0..<20), limit: 4) { i in
            await gauge.enter()
            try await Task.sleep(nanoseconds: 2_000_000)
            await gauge.leave()
            return i * 2
        }
        #expect(out == (0..<20).map { $0 * 2 })
        #expect(await gauge.peak <= 4)
        #expect(await gauge.peak > 1)
    }

    @Test func progressLineAndETA() {
        let t0 = Date(timeIntervalSince1970: 0)
        var p = ObserveProgress(total: 600, started: t0)
        #expect(p.line(now: t0) == "observed 0/600 domains")
        p.done = 120
        #expect(p.eta(now: t0.addingTimeInterval(30)) == 120)
        #expect(p.line(now: t0.addingTimeInterval(30)) == "observed 120/600 domains, ETA 2:00")
        #expect(ProgressMode.auto.enabled(isTTY: false) == false)
        #expect(ProgressMode.always.enabled(isTTY: false))
    }
}

@Suite struct RedactionTests {
    /// The CLI's output goes through the same `Redactor` as provider errors:
    /// raw and URL-encoded secrets, and credentials by parameter name.
    @Test func providerErrorsNeverCarryASecretIntoJournalOrSummary() async throws {
        let canary = "CANARY/sk_live+5f2b9c0e"
        let encoded = try #require(canary.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        struct EchoedRequest: Error, CustomStringConvertible {
            var description: String
        }
        struct Leaky: ResourceDriver {
            let canary: String, encoded: String
            func perform(_ step: ExecutionStep) async throws -> StepResult {
                // A provider error that echoes the request URL (key encoded) and the body (key raw).
                throw EchoedRequest(description: "HTTP 500 from https://api.example/?key=\(encoded) body {\"k\":\"\(canary)\"}")
            }
            func probe(_ action: PlanAction) async throws -> ProbeResult { .notApplied }
        }
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let redactor = Redactor(secrets: [canary, "abc"])
        let summary = try await ApplyExecutor(store: store, driver: Leaky(canary: canary, encoded: encoded), redact: redactor.scrub)
            .apply(try mailgunPlan(["a.com"]), runID: "r")
        #expect(!summary.failed.isEmpty)
        #expect(summary.outcomes.allSatisfy { !$0.1.description.contains(canary) && !$0.1.description.contains(encoded) })
        #expect(summary.outcomes.contains { $0.1.description.contains(Redactor.mask) })
        let entries = try await ApplyJournal(store).entries(run: "r")
        #expect(entries.allSatisfy { !($0.detail ?? "").contains(canary) && !($0.detail ?? "").contains(encoded) })
        // Very short strings are not treated as secrets.
        #expect(redactor.scrub("abc def") == "abc def")
    }
}

actor Counter {
    var value = 0, inFlight = 0, peak = 0
    func bump() { value += 1 }
    func enter() { inFlight += 1; peak = max(peak, inFlight) }
    func leave() { inFlight -= 1 }
}
