import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

@Suite struct PorkbunConvergenceTests {
    let zone = "acme-mail.com"

    @Test func everyStateReReadsWithZeroDifferences() async throws {
        try await withPorkbun { rig in
            let diffs = try await converge(rig.provider, zone: zone, states: ConvergenceStates.states(zone))
            #expect(diffs == [0, 0, 0, 0])
            // Foreign rows (the parking ALIAS) were never touched.
            #expect(rig.truth(zone).contains { $0.type == "ALIAS" })
            // Pushing the last state again changes nothing and writes nothing.
            let writes = rig.emulator.counters.requests("dns/create") + rig.emulator.counters.requests("dns/edit")
                + rig.emulator.counters.requests("dns/delete")
            _ = try await converge(rig.provider, zone: zone, states: [[]])
            #expect(rig.emulator.counters.requests("dns/create") + rig.emulator.counters.requests("dns/edit")
                    + rig.emulator.counters.requests("dns/delete") == writes)
        }
    }

    @Test func twentyPercentFaultsEndWithExactlyTheIntendedRecords() async throws {
        let faults = FaultInjector(profile: .uniform(0.2, hangSeconds: 2), seed: 20261129)
        try await withPorkbun(faults: faults, timeout: 1) { rig in
            let states = ConvergenceStates.states(zone)
            // The final state must be non-empty to prove no losses; use state 2 last.
            let script = [states[0], states[1], states[2], states[1]]
            _ = try await converge(rig.provider, zone: zone, states: script, runs: 6)
            faults.setEnabled(false)
            let final = try await rig.provider.zone(zone)
            let d = RecordChangeSet.between(observed: final, desired: states[1], capabilities: rig.provider.capabilities)
            #expect(d.isEmpty)
            let keys = rig.truth(zone).map { "\($0.name)|\($0.type)|\($0.content)|\($0.prio ?? -1)" }
            #expect(keys.count == Set(keys).count)   // no duplicates
            #expect(rig.emulator.counters.totalFaults > 5)
        }
    }

    /// The "done when": the contract holds with the real limits (client 1/s
    /// budget against the emulator's 2/s bucket) and faults on, at a small request count.
    @Test func contractWithRealLimitsAndFaults() async throws {
        let faults = FaultInjector(profile: .uniform(0.2, hangSeconds: 2), seed: 7)
        try await withPorkbun(limits: .porkbun, faults: faults, budget: .porkbun(),
                              retry: RetryPolicy(maxAttempts: 6, baseDelay: 1.2, maxDelay: 4, totalBudget: 60), timeout: 1) { rig in
            let domains = try await rig.provider.listDomains()
            #expect(domains.map(\.name) == [zone])
            let want = [DNSRecord(name: zone, type: .TXT, ttl: 600, value: "v=spf1 include:mailgun.org ~all"),
                        DNSRecord(name: "email.\(zone)", type: .CNAME, ttl: 600, value: "mailgun.org")]
            let diffs = try await converge(rig.provider, zone: zone, states: [want], runs: 3)
            #expect(diffs == [0])
            #expect(rig.emulator.counters.totalThrottled == 0)
        }
    }
}
