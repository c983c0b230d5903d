import DNSRecords
import Foundation
import Reconciler
import Resolver

/// `reconcile check`: every expected zone asked of its authoritative
/// servers (or of one `--nameserver`), judged record set by record set, and
/// every declared web forward asked over HTTP.
public struct FleetCheck: Sendable {
    public var resolver: DNSResolver
    /// Ask this server for every domain instead of its delegation.
    public var nameserver: DNSServer?
    /// Turns a nameserver's host name into addresses (the system resolver by default).
    public var addresses: @Sendable (String) -> [String]
    /// Asks the web forwards (nil: they are not checked).
    public var web: WebProbe?

    public init(resolver: DNSResolver = DNSResolver(), nameserver: DNSServer? = nil,
                addresses: @escaping @Sendable (String) -> [String] = SystemAddresses.lookup, web: WebProbe? = WebProbe()) {
        self.resolver = resolver
        self.nameserver = nameserver
        self.addresses = addresses
        self.web = web
    }

    public func run(_ zones: [ExpectedZone]) async -> CheckReport {
        // The forwards are asked over HTTP while DNS is asked.
        let forwards = zones.indices.filter { zones[$0].blocked == nil }.flatMap { i in zones[i].web.map { (i, $0) } }
        async let webAnswers = web?.head(forwards.map { WebComparison.host($0.1, domain: zones[$0.0].domain) }) ?? []
        var report = await dns(zones)
        for ((i, forward), answer) in zip(forwards, await webAnswers) {
            report.domains[i].web.append(WebComparison.finding(forward, domain: zones[i].domain, answer: answer))
        }
        report.webVia = web?.via?.description
        return report
    }

    private func dns(_ zones: [ExpectedZone]) async -> CheckReport {
        // Domains that share a delegation are asked together, in one batch.
        var batches: [[DNSServer]: [Int]] = [:]
        var verdicts = [DomainVerdict?](repeating: nil, count: zones.count)
        for (i, z) in zones.enumerated() {
            if let why = z.blocked {
                verdicts[i] = DomainVerdict(domain: z.domain, group: z.group, findings: [], notChecked: why)
                continue
            }
            let servers = nameserver.map { [$0] } ?? servers(for: z)
            if servers.isEmpty {
                verdicts[i] = DomainVerdict(domain: z.domain, group: z.group, findings: [],
                                            notChecked: "no address for its nameservers \(z.nameservers.joined(separator: ", "))")
                continue
            }
            batches[servers, default: []].append(i)
        }
        let resolver = self.resolver
        let judged = await withTaskGroup(of: [(Int, DomainVerdict)].self) { group in
            for (servers, indices) in batches {
                group.addTask {
                    let perDomain = indices.map { ZoneComparison.questions(zones[$0]) }
                    let answers = await resolver.resolve(perDomain.flatMap { $0 }, at: servers)
                    var offset = 0
                    return zip(indices, perDomain).map { i, qs in
                        let slice = answers[offset..<offset + qs.count]
                        offset += qs.count
                        return (i, ZoneComparison.verdict(zones[i], answers: Dictionary(zip(qs, slice), uniquingKeysWith: { a, _ in a })))
                    }
                }
            }
            var all: [(Int, DomainVerdict)] = []
            for await part in group { all += part }
            return all
        }
        for (i, v) in judged { verdicts[i] = v }
        return CheckReport(domains: verdicts.compactMap { $0 }, nameserver: nameserver?.description)
    }

    private func servers(for zone: ExpectedZone) -> [DNSServer] {
        zone.nameservers.flatMap(addresses).map { DNSServer(address: $0) }.uniqued()
    }
}

/// Host names to addresses through the system resolver (getaddrinfo): the
/// nameservers' own names are ordinary public records.
public enum SystemAddresses {
    @Sendable public static func lookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var out: [String] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p {
            var buf = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(a.pointee.ai_addr, a.pointee.ai_addrlen, &buf, socklen_t(buf.count), nil, 0, NI_NUMERICHOST) == 0 {
                out.append(String(cString: buf))
            }
            p = a.pointee.ai_next
        }
        return out
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
