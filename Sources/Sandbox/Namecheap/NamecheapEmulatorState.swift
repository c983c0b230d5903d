import Foundation

/// The Namecheap emulator's world. Codable for `--state FILE`.
public struct NamecheapEmulatorState: Codable, Sendable {
    public struct Host: Codable, Sendable, Hashable {
        public var hostId: Int
        /// Lower-cased relative host; `@` apex.
        public var name: String
        public var type: String
        /// Host-name addresses carry a trailing dot (B3).
        public var address: String
        public var mxPref: Int
        public var ttl: Int
        public var associatedAppTitle: String
        public var friendlyName: String
        public var isDDNSEnabled: Bool
    }

    public struct Domain: Codable, Sendable {
        public var id: Int
        public var name: String
        public var created: Date
        public var expires: Date
        public var autoRenew: Bool
        public var isLocked: Bool
        public var usingOurDNS: Bool
        public var nameservers: [String]
        public var emailType: String
        public var hosts: [Host]
    }

    public var domains: [String: Domain] = [:]
    public var nextDomainID = 1_180_000
    public var nextHostID = 290_000_000

    public init() {}

    static let basicDNS = ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]

    /// A freshly bought domain: `www CNAME parkingpage.namecheap.com.` and
    /// `@ URL http://www.<domain>/`, TTL 1800 (B3); expiry a year ahead;
    /// BasicDNS; e-mail forwarding mode.
    public mutating func register(_ name: String, now: Date = Date()) {
        let n = name.lowercased()
        guard domains[n] == nil else { return }
        nextDomainID += 1
        let hosts = [
            newHost(name: "www", type: "CNAME", address: "parkingpage.namecheap.com.", mxPref: 10, ttl: 1800,
                    app: "", friendly: "CNAME Record"),
            newHost(name: "@", type: "URL", address: "http://www.\(n)/", mxPref: 10, ttl: 1800,
                    app: "URL Forwarding", friendly: "URL Record"),
        ]
        domains[n] = Domain(id: nextDomainID, name: n, created: now,
                            expires: Calendar(identifier: .gregorian).date(byAdding: .year, value: 1, to: now)!,
                            autoRenew: false, isLocked: false, usingOurDNS: true, nameservers: Self.basicDNS,
                            emailType: "FWD", hosts: hosts)
    }

    mutating func newHost(name: String, type: String, address: String, mxPref: Int, ttl: Int, app: String = "",
                          friendly: String = "") -> Host {
        nextHostID += 1
        return Host(hostId: nextHostID, name: name, type: type, address: address, mxPref: mxPref, ttl: ttl,
                    associatedAppTitle: app, friendlyName: friendly, isDDNSEnabled: false)
    }
}
