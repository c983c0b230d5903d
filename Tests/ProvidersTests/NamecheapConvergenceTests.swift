import DNSRecords
import Foundation
import Testing
@testable import Providers
@testable import Sandbox

@Suite struct NamecheapConvergenceTests {
    let zone = "acme-outreach.net"

    /// A row only the dashboard knows about; it must survive every write.
    func plantUnmanaged(_ rig: NamecheapRig) {
        rig.emulator.state.withValue { s in
            let h = s.newHost(name: "legacy", type: "TXT", address: "keep-me", mxPref: 10, ttl: 1800)
            s.domains[zone]!.hosts.append(h)
        }
    }

    @Test func everyStateReReadsWithZeroDifferencesAndUnmanagedRowsSurvive() async throws {
        try await withNamecheap { rig in
            plantUnmanaged(rig)
            // The reconciler manages everything except the legacy row (DNSControl's hands-off rule):
            // it copies that row into every desired state.
            let keep = DNSRecord(name: "legacy.\(zone)", type: .TXT, ttl: 1800, value: "keep-me")
            let states = ConvergenceStates.states(zone).map { $0 + [keep] }
            let diffs = try await converge(rig.provider, zone: zone, states: states)
            #expect(diffs == [0, 0, 0, 0])
            #expect(rig.truth(zone)?.hosts.contains { $0.name == "legacy" && $0.address == "keep-me" } == true)
            #expect(rig.truth(zone)?.hosts.contains { $0.type == "URL" } == true)   // foreign row kept
        }
    }

    @Test func twentyPercentFaultsEndWithExactlyTheIntendedRecords() async throws {
        let faults = FaultInjector(profile: .uniform(0.2, hangSeconds: 2), seed: 20261129)
        try await withNamecheap(faults: faults, timeout: 1) { rig in
            plantUnmanaged(rig)
            let keep = DNSRecord(name: "legacy.\(zone)", type: .TXT, ttl: 1800, value: "keep-me")
            let states = ConvergenceStates.states(zone).map { $0 + [keep] }
            _ = try await converge(rig.provider, zone: zone, states: [states[0], states[1], states[2], states[1]], runs: 6)
            faults.setEnabled(false)
            let final = try await rig.provider.zone(zone)
            #expect(RecordChangeSet.between(observed: final, desired: states[1], capabilities: rig.provider.capabilities).isEmpty)
            let ids = (rig.truth(zone)?.hosts ?? []).map { "\($0.name)|\($0.type)|\($0.address)|\($0.mxPref)" }
            #expect(ids.count == Set(ids).count)
            #expect(rig.truth(zone)?.hosts.contains { $0.type == "URL" } == true)
            #expect(rig.emulator.counters.totalFaults > 3)
        }
    }

    /// Real limits (20/min, 700/h, 8000/day on both sides) and faults on, few requests.
    @Test func contractWithRealLimitsAndFaults() async throws {
        let faults = FaultInjector(profile: .uniform(0.2, hangSeconds: 2), seed: 11)
        try await withNamecheap(limits: .namecheap, faults: faults, budget: .namecheap(),
                                retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 4, totalBudget: 60), timeout: 1) { rig in
            let domains = try await rig.provider.listDomains()
            #expect(domains.map(\.name) == [zone])
            let want = [DNSRecord(name: zone, type: .MX, ttl: 1800, priority: 10, value: "mxa.mailgun.org"),
                        DNSRecord(name: zone, type: .TXT, ttl: 1800, value: "v=spf1 include:mailgun.org ~all")]
            let diffs = try await converge(rig.provider, zone: zone, states: [want], runs: 3)
            #expect(diffs == [0])
            #expect(rig.emulator.counters.totalThrottled == 0)
        }
    }
}
