import Foundation
import Inventory
import Reconciler
import Sender
import ServiceLifecycle
import Store
import Watch

/// `send` without `serve`: the DNS holds from the stored verdicts
/// (`PreflightGate`), applied before the first send and every `interval`
/// while it runs, so a verdict that grows older than
/// `monitoring.dns_verdict_max_age` (nothing is checking any more) holds its
/// domain. With no stored verdict for some domain, `prepare` runs one check
/// round itself first.
public struct SendPreflight: Service {
    public let domains: [String]
    let verdicts: DNSVerdictStore
    let sending: any SendingStore
    let alerts: AlertStore
    let maxAge: Double
    let interval: Double
    let log: @Sendable (String) -> Void

    /// Reads the inventory's monitoring settings and the state; checks the
    /// fleet once when a domain has no verdict. A check that cannot run (a
    /// provider secret missing) is logged: those domains stay held.
    public static func prepare(fleet: SendingFleet, inventoryDirectory: String, state location: StateLocation,
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               interval: Double = 60, log: @escaping @Sendable (String) -> Void) async throws -> SendPreflight {
        let compiled = try InventoryLoader().loadAndCompile(directory: inventoryDirectory)
        let state = try StateStore(location: location)
        let gate = SendPreflight(domains: fleet.mailboxes.map { DomainHold.domain(of: $0.address) }, verdicts: DNSVerdictStore(state),
                                 sending: state.sendingStore(), alerts: AlertStore(state),
                                 maxAge: Double(compiled.inventory.monitoring.effectiveDNSVerdictMaxAge.seconds), interval: interval, log: log)
        let known = Set(try gate.verdicts.all().map(\.domain))
        let unchecked = Set(gate.domains).subtracting(known)
        if !unchecked.isEmpty {
            log("send: no DNS verdict for \(unchecked.count) domain(s): checking the fleet once")
            do {
                let providers = try FleetProviders.build(for: compiled.inventory, environment: environment)
                let planner = FleetPlanner(desired: compiled.desired, inventoryHash: compiled.contentHash, providers: providers, store: state)
                let round = DNSWatchRound(check: FleetCheck(), verdicts: gate.verdicts, sending: gate.sending, alerts: gate.alerts, maxAge: gate.maxAge)
                let outcome = try await round.run(try await planner.expectedZones(), at: Date().timeIntervalSince1970)
                log("send: " + CheckRender.footer(outcome.report))
            } catch {
                log("send: cannot check DNS (\(error)); domains without a verdict are held until `reconcile serve` checks them")
            }
        }
        try gate.apply()
        return gate
    }

    /// Sets the `dns` holds to what the stored verdicts say now.
    @discardableResult
    public func apply(now: Double = Date().timeIntervalSince1970) throws -> DomainHoldChanges {
        let wanted = PreflightGate.holds(try verdicts.all(), domains: domains, now: now, maxAge: maxAge)
        let changes = try sending.replaceDomainHolds(source: .dns, with: wanted, at: now)
        for h in changes.placed {
            log("send: held \(h.domain): \(h.reason)")
            try alerts.apply(DNSAlerts.held(h), at: now)
        }
        for h in changes.released {
            log("send: released \(h.domain)")
            try alerts.apply(DNSAlerts.released(h), at: now)
        }
        return changes
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
            do { try apply() } catch { log("send: cannot apply the DNS holds: \(error)") }
        }
    }
}
