import Foundation

/// A nameserver to ask: an IP literal and a port. Authoritative servers are
/// named by host in the delegation; they are turned into addresses before
/// they get here (c-ares takes addresses only).
public struct DNSServer: Sendable, Hashable, CustomStringConvertible {
    public var address: String
    public var port: Int

    public init(address: String, port: Int = 53) {
        self.address = address
        self.port = port
    }

    /// `HOST:PORT`, `HOST` (port 53) or `[V6]:PORT`, as `--nameserver` takes it.
    public init?(parsing text: String) {
        var host = Substring(text)
        var port = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        guard (1...65535).contains(port), Self.isAddress(String(host)) else { return nil }
        self.init(address: String(host), port: port)
    }

    /// An IPv4 or IPv6 literal (c-ares takes no host names).
    static func isAddress(_ s: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, s, &v4) == 1 || inet_pton(AF_INET6, s, &v6) == 1
    }

    /// c-ares' `ares_set_servers_ports_csv` form.
    var aresCSV: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }

    public var description: String { address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)" }
}
