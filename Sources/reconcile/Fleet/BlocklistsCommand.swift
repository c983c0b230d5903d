import ArgumentParser
import Foundation
import Inventory
import Resolver
import Watch

/// `reconcile blocklists`: every active and spare domain looked up on every
/// `monitoring.blocklists` zone, once, printed per list. Read-only: the
/// pause itself is `serve`'s (its blocklist watcher).
struct BlocklistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blocklists",
        abstract: "Look every domain up on the inventory's blocklists (exit 2 when one is listed, 1 when some lookup could not be answered).",
        discussion: "Example:\n  reconcile blocklists --group eu-outreach")

    @Option(help: "The inventory directory.") var inventory: String = "inventory"
    @Option(help: "Only this domain (repeatable).") var domain: [String] = []
    @Option(help: "Only the domains of this group (repeatable).") var group: [String] = []
    @Option(help: "Send every lookup to this resolver (HOST:PORT) instead of those of /etc/resolv.conf.") var nameserver: String?
    @Option(name: .customLong("dns-timeout"), help: "Per query attempt, in milliseconds.") var dnsTimeout = 2_000

    func validate() throws {
        if let nameserver, DNSServer(parsing: nameserver) == nil {
            throw ValidationError("--nameserver \(nameserver): expected an IP address and port, e.g. 127.0.0.1:53")
        }
        guard dnsTimeout >= 10 else { throw ValidationError("--dns-timeout must be at least 10 (milliseconds)") }
    }

    func run() async throws {
        let code: Int32 = try await funnel {
            let inv = try InventoryLoader().load(directory: inventory).inventory
            let lists = inv.monitoring.blocklists
            guard !lists.isEmpty else {
                stderr("blocklists: the inventory has no monitoring.blocklists\n")
                return 1
            }
            let wanted = Set(domain.map { $0.lowercased() })
            let names = WatchedDomain.fleet(inv).filter {
                (wanted.isEmpty || wanted.contains($0.name)) && (group.isEmpty || group.contains($0.group))
            }.map(\.name)
            let servers = nameserver.flatMap(DNSServer.init(parsing:)).map { [$0] } ?? DNSServer.system()
            guard !servers.isEmpty else {
                stderr("blocklists: no nameserver in /etc/resolv.conf; pass --nameserver HOST:PORT\n")
                return 1
            }
            let report = await BlocklistLookup(resolver: DNSResolver(timeoutMilliseconds: dnsTimeout), servers: servers)
                .run(domains: names, lists: lists, environment: ProcessInfo.processInfo.environment)
            FileHandle.standardOutput.write(Data(report.text(domains: names).utf8))
            return report.exitCode(domains: names)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
