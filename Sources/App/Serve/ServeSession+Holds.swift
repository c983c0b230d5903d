import Foundation
import Resolver
import ServiceLifecycle
import Watch

extension ServeSession {
    /// The watchers that pause domains (`DomainHold`): blocklists every
    /// `monitoring.blocklist_interval` when the inventory lists some, and
    /// Mailgun's own verdict every `mailgunStateInterval` for the accounts
    /// `serve` has keys for.
    func holdWatchers(log: @escaping @Sendable (String) -> Void) -> [(service: any Service, name: String)] {
        let domains = WatchedDomain.fleet(inventory)
        let keeper = HoldKeeper(sending: store, alerts: alerts)
        var out: [(service: any Service, name: String)] = []
        let lists = inventory.monitoring.blocklists
        if !lists.isEmpty {
            // The sandbox's Knot serves no blocklist zone: only with an explicit server there.
            let servers = request.blocklistNameserver.map { [$0] } ?? (sandbox == nil ? DNSServer.system() : [])
            if servers.isEmpty {
                log("serve: no nameserver for blocklist lookups (\(sandbox == nil ? "none in /etc/resolv.conf" : "sandbox")); pass --blocklist-nameserver")
            } else {
                out.append((BlocklistWatch(lookup: BlocklistLookup(servers: servers), lists: lists, domains: domains, keeper: keeper,
                                           interval: Double(inventory.monitoring.blocklistInterval.seconds), environment: environment, log: log),
                            "blocklists"))
            }
        }
        if !mailgun.isEmpty {
            out.append((MailgunVerdictWatch(clients: mailgun, domains: domains, keeper: keeper, interval: request.mailgunStateInterval, log: log),
                        "mailgun-verdict"))
        }
        return out
    }
}
