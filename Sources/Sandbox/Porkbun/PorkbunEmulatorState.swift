import Foundation

/// The Porkbun emulator's world: domains with registration facts and records.
/// Codable for `--state FILE`.
public struct PorkbunEmulatorState: Codable, Sendable {
    public struct Record: Codable, Sendable, Hashable {
        public var id: Int
        /// FQDN, lower-cased, no trailing dot.
        public var name: String
        public var type: String
        public var content: String
        public var ttl: Int
        public var prio: Int?
        public var notes: String?
    }

    /// A URL forward as `getUrlForwarding` lists it (A2): every field a string.
    public struct Forward: Codable, Sendable, Hashable {
        public var id: Int
        /// `""` for the apex.
        public var subdomain: String
        public var location: String
        /// `temporary` or `permanent`.
        public var type: String
        public var includePath: String
        public var wildcard: String
    }

    public struct Domain: Codable, Sendable {
        public var name: String
        public var createDate: Date
        public var expireDate: Date
        public var autoRenew: Bool
        public var securityLock: Bool
        public var whoisPrivacy: Bool
        public var apiAccess: Bool
        public var nameservers: [String]
        public var records: [Record]
        /// Optional so state files written before forwarding load.
        public var forwards: [Forward]?
    }

    public var domains: [String: Domain] = [:]
    public var nextID = 432_480_900

    public init() {}

    static let porkbunNS = ["curitiba.ns.porkbun.com", "fortaleza.ns.porkbun.com", "maceio.ns.porkbun.com", "salvador.ns.porkbun.com"]
    /// The zone's own apex NS use the older names without `.ns.` (A2).
    static let zoneNS = ["maceio.porkbun.com", "salvador.porkbun.com", "fortaleza.porkbun.com", "curitiba.porkbun.com"]

    /// A freshly bought domain: apex NS, parking ALIAS + wildcard CNAME to
    /// pixie.porkbun.com, e-mail forwarding MX (A3); expiry a year ahead,
    /// auto-renew on, lock and privacy on, API access opted in.
    public mutating func register(_ name: String, now: Date = Date()) {
        let n = name.lowercased()
        guard domains[n] == nil else { return }
        var records: [Record] = []
        func add(_ rn: String, _ type: String, _ content: String, _ ttl: Int, _ prio: Int? = nil) {
            nextID += 2
            records.append(Record(id: nextID, name: rn, type: type, content: content, ttl: ttl, prio: prio, notes: nil))
        }
        for ns in Self.zoneNS { add(n, "NS", ns, 86400) }
        add(n, "ALIAS", "pixie.porkbun.com", 600)
        add("*." + n, "CNAME", "pixie.porkbun.com", 600)
        add(n, "MX", "fwd1.porkbun.com", 600, 10)
        add(n, "MX", "fwd2.porkbun.com", 600, 20)
        domains[n] = Domain(name: n, createDate: now, expireDate: Calendar(identifier: .gregorian).date(byAdding: .year, value: 1, to: now)!,
                            autoRenew: true, securityLock: true, whoisPrivacy: true, apiAccess: true,
                            nameservers: Self.porkbunNS, records: records)
    }
}
