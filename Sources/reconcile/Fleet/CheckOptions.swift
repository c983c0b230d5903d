import App
import ArgumentParser
import Foundation
import Resolver
import Watch

/// What `check` and `drift --via dns` share: where DNS and the web forwards
/// are asked, and how long an answer may take.
struct CheckOptions: ParsableArguments {
    @Option(help: "Ask this server (HOST:PORT) for every domain instead of its authoritative nameservers.")
    var nameserver: String?

    @Option(name: .customLong("dns-timeout"), help: "Per query attempt, in milliseconds.")
    var dnsTimeout = 2_000

    @Option(name: .customLong("web-via"),
            help: "Send every web forward's HEAD request to this server (IP:PORT), with the domain in Host, instead of the domain's own address.")
    var webVia: String?

    @Option(name: .customLong("web-timeout"), help: "Per HEAD request, in milliseconds.")
    var webTimeout = 5_000

    func validate() throws {
        _ = try nameserverArgument(nameserver)
        if let webVia, WebVia(parsing: webVia) == nil {
            throw ValidationError("--web-via \(webVia): expected an IP address and port, e.g. 127.0.0.1:8080")
        }
        guard dnsTimeout >= 10 else { throw ValidationError("--dns-timeout must be at least 10 (milliseconds)") }
        guard webTimeout >= 10 else { throw ValidationError("--web-timeout must be at least 10 (milliseconds)") }
    }

    /// With `--sandbox`: start Knot and the forwarding hosts unless both are overridden.
    func request(_ fleet: FleetOptions) -> FleetSession.Request {
        var request = fleet.request
        request.publishDNS = fleet.sandbox && (nameserver == nil || webVia == nil)
        return request
    }

    /// The check, pointed at the sandbox's Knot and forwarding hosts unless
    /// overridden; nil (after saying why on stderr) when the sandbox has no Knot.
    func fleetCheck(_ session: FleetSession, sandbox: Bool) -> FleetCheck? {
        var server = nameserver.flatMap(DNSServer.init(parsing:))
        var via = webVia.flatMap(WebVia.init(parsing:))
        if sandbox {
            if server == nil {
                guard let dns = session.sandbox?.world.dns else {
                    session.err("the sandbox serves its zones over DNS only with Knot installed (scripts/bootstrap); or pass --nameserver HOST:PORT\n")
                    return nil
                }
                server = DNSServer(address: dns.address, port: dns.port)
            }
            if via == nil, let web = session.sandbox?.world.web { via = WebVia(address: web.address, port: web.port) }
        }
        return FleetCheck(resolver: DNSResolver(timeoutMilliseconds: dnsTimeout), nameserver: server,
                          web: WebProbe(via: via, timeoutMilliseconds: webTimeout))
    }
}
