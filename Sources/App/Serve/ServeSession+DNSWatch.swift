import Foundation
import Inventory
import Reconciler
import Resolver
import Store
import Watch

extension ServeSession {
    /// The DNS watch over the whole fleet: expected zones from the
    /// observation cache, asked of each domain's nameservers, of
    /// `--nameserver`, or under `--sandbox` of the sandbox's Knot (its web
    /// forwards of the sandbox's forwarding host). Nil (and
    /// logged) when it cannot run; the rest of `serve` runs anyway, and
    /// without fresh verdicts a `send` beside it holds the domains.
    func dnsWatch(log: @escaping @Sendable (String) -> Void) -> DNSWatchService? {
        do {
            var server = request.dnsNameserver
            // The sandbox's web forwards are served by its own forwarding host, not at the domains' addresses.
            var via: WebVia?
            if let sandbox {
                if server == nil {
                    guard let dns = sandbox.world.dns else {
                        log("serve: the sandbox serves no DNS (knotd is not installed: scripts/bootstrap): DNS checks off")
                        return nil
                    }
                    server = DNSServer(address: dns.address, port: dns.port)
                }
                via = sandbox.world.web.map { WebVia(address: $0.address, port: $0.port) }
            }
            let compiled = try InventoryLoader().loadAndCompile(directory: request.inventoryDirectory)
            // `inventory` carries the sandbox's endpoints when there is one.
            let providers = try FleetProviders.build(for: inventory, environment: environment)
            let planner = FleetPlanner(desired: compiled.desired, inventoryHash: compiled.contentHash, providers: providers, store: state)
            let monitoring = inventory.monitoring
            let round = DNSWatchRound(check: FleetCheck(nameserver: server, web: WebProbe(via: via)), verdicts: DNSVerdictStore(state), sending: store,
                                      alerts: alerts, maxAge: Double(monitoring.effectiveDNSVerdictMaxAge.seconds))
            return DNSWatchService(zones: { try await planner.expectedZones() }, round: round,
                                   interval: request.dnsCheckInterval ?? Double(monitoring.dnsCheckInterval.seconds),
                                   metrics: metrics, log: log)
        } catch {
            log("serve: DNS checks off: \(error)")
            return nil
        }
    }
}
