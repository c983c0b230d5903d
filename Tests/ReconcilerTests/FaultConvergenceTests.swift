import DNSRecords
import Foundation
import Providers
import Sandbox
import Store
import Testing
@testable import Reconciler

/// 20 % injected faults on the registrar emulators (500s, unavailable
/// pages, dropped connections — half of the drops after the write landed):
/// run after run, the fleet converges with no duplicate record.
@Suite(.serialized) struct FaultConvergenceTests {
    let domains = (1...5).map { "fleet-\($0).com" }
    static let faults = FaultProfile(serverError: 0.08, unavailablePage: 0.04, drop: 0.08, afterExecutionShare: 0.5)
    static let retry = RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.05, totalBudget: 2)

    func runUntilConverged(_ provider: any DNSZoneProvider, maxRuns: Int) async throws -> (runs: Int, failedRuns: Int) {
        let tmp = TempStore(); defer { tmp.remove() }
        let store = try tmp.open()
        let executor = ApplyExecutor(store: store, driver: RegistrarZoneDriver { _ in provider }, concurrency: 4)
        var failedRuns = 0
        for run in 1...maxRuns {
            var b = PlanBuilder(inventoryHash: "inv")
            var readFailed = false
            for d in domains {
                do {
                    try b.addZone(try await provider.zone(d), role: .active, capabilities: provider.capabilities,
                                  desired: Fixtures.mailRecords(d).map(TargetRecord.init),
                                  owned: try await OwnershipKey.owned(store, domain: d))
                } catch is ProviderError {
                    readFailed = true     // a read that failed through its retries: plan it next run
                }
            }
            let plan = try b.build()
            if !plan.hasChanges && !readFailed { return (run - 1, failedRuns) }
            let summary = try await executor.apply(plan)
            if summary.exitCode != 0 || readFailed { failedRuns += 1 }
        }
        Issue.record("not converged after \(maxRuns) runs")
        return (maxRuns, failedRuns)
    }

    @Test func porkbun() async throws {
        let emulator = PorkbunEmulator(limits: .unlimited, faults: FaultInjector(profile: Self.faults, seed: 7))
        await emulator.register(domains)
        let server = try await emulator.start()
        let client = PorkbunClient(baseURL: server.baseURL.appendingPathComponent(PorkbunEmulator.basePath),
                                   credentials: PorkbunCredentials(apiKey: emulator.apiKey, secretKey: emulator.secretKey),
                                   budget: .unlimited(), retry: Self.retry, timeout: 2)
        let result: (runs: Int, failedRuns: Int)
        do { result = try await runUntilConverged(PorkbunProvider(client: client), maxRuns: 12) } catch {
            await server.stop(); throw error
        }
        await server.stop()
        #expect(emulator.counters.totalFaults > 0)
        for d in domains {
            let rows = emulator.state.value.domains[d]?.records ?? []
            let keys = rows.map { "\($0.name) \($0.type) \($0.prio ?? 0) \($0.content.lowercased())" }
            #expect(Set(keys).count == keys.count, "duplicate rows in \(d): \(keys)")
            #expect(rows.filter { $0.type != "NS" }.count == 6, "\(d): \(keys)")
        }
        print("porkbun: converged after \(result.runs) runs (\(result.failedRuns) with failures), faults: \(emulator.counters.totalFaults)")
    }

    @Test func namecheap() async throws {
        let emulator = NamecheapEmulator(limits: .unlimited, faults: FaultInjector(profile: Self.faults, seed: 11))
        await emulator.register(domains)
        let server = try await emulator.start()
        let client = NamecheapClient(baseURL: server.baseURL.appendingPathComponent(NamecheapEmulator.path),
                                     credentials: NamecheapCredentials(apiUser: emulator.apiUser, apiKey: emulator.apiKey,
                                                                       clientIP: "127.0.0.1"),
                                     budget: .unlimited(), retry: Self.retry, timeout: 2)
        let result: (runs: Int, failedRuns: Int)
        do { result = try await runUntilConverged(NamecheapProvider(client: client), maxRuns: 12) } catch {
            await server.stop(); throw error
        }
        await server.stop()
        #expect(emulator.counters.totalFaults > 0)
        for d in domains {
            let hosts = emulator.state.value.domains[d]?.hosts ?? []
            let keys = hosts.map { "\($0.name) \($0.type) \($0.mxPref) \($0.address.lowercased())" }
            #expect(Set(keys).count == keys.count, "duplicate hosts in \(d): \(keys)")
            #expect(hosts.count == 6, "\(d): \(keys)")
        }
        print("namecheap: converged after \(result.runs) runs (\(result.failedRuns) with failures), faults: \(emulator.counters.totalFaults)")
    }
}
