import Foundation

/// Namecheap XML API wire facts and decoded shapes (registrars.md Part B).
public enum NamecheapWire {
    public static let productionURL = URL(string: "https://api.namecheap.com/xml.response")!
    public static let sandboxURL = URL(string: "https://api.sandbox.namecheap.com/xml.response")!
    /// BasicDNS: host records only take effect here (B6).
    public static let defaultNameservers = ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]

    public struct APIError: Sendable, Hashable {
        public var number: String
        public var text: String
    }

    /// The `<ApiResponse>` envelope: `Status` OK or ERROR, always HTTP 200 (B1).
    public struct Envelope: Sendable {
        public var ok: Bool
        public var errors: [APIError]
        public var commandResponse: XMLTree?

        public static func parse(_ data: Data) -> Envelope? {
            guard let root = XMLTree.parse(data), root.name.caseInsensitiveCompare("ApiResponse") == .orderedSame else { return nil }
            let status = root.attribute("Status") ?? ""
            let errors = root.child("Errors")?.all("Error").map {
                APIError(number: $0.attribute("Number") ?? "", text: $0.text)
            } ?? []
            return Envelope(ok: status.caseInsensitiveCompare("OK") == .orderedSame && errors.isEmpty,
                            errors: errors, commandResponse: root.child("CommandResponse"))
        }
    }

    /// One row of `domains.dns.getHosts` (element `host`, B2).
    public struct Host: Sendable, Hashable, Codable {
        public var hostId: String?
        public var name: String
        public var type: String
        public var address: String
        public var mxPref: Int
        public var ttl: Int
        public var isDDNSEnabled: Bool

        public init(hostId: String? = nil, name: String, type: String, address: String, mxPref: Int = 10, ttl: Int = 1800,
                    isDDNSEnabled: Bool = false) {
            self.hostId = hostId
            self.name = name
            self.type = type
            self.address = address
            self.mxPref = mxPref
            self.ttl = ttl
            self.isDDNSEnabled = isDDNSEnabled
        }

        init(_ x: XMLTree) {
            hostId = x.attribute("HostId")
            name = x.attribute("Name") ?? "@"
            type = (x.attribute("Type") ?? "").uppercased()
            address = x.attribute("Address") ?? ""
            mxPref = Int(x.attribute("MXPref") ?? "") ?? 10
            ttl = Int(x.attribute("TTL") ?? "") ?? 1800
            isDDNSEnabled = LenientFlag.parse(x.attribute("IsDDNSEnabled"))
        }
    }

    public struct Hosts: Sendable, Hashable {
        public var domain: String
        public var emailType: String?
        public var isUsingOurDNS: Bool
        public var hosts: [Host]

        init(_ r: XMLTree) {
            domain = r.attribute("Domain") ?? ""
            emailType = r.attribute("EmailType")
            isUsingOurDNS = LenientFlag.parse(r.attribute("IsUsingOurDNS"))
            hosts = r.all("host").map(Host.init)
        }
    }

    /// One `Domain` of `domains.getList` (B2).
    public struct Domain: Sendable, Hashable {
        public var name: String
        public var expires: Date?
        public var isExpired: Bool
        public var isLocked: Bool
        public var autoRenew: Bool
        public var isOurDNS: Bool

        init(_ x: XMLTree) {
            name = (x.attribute("Name") ?? "").lowercased()
            expires = NamecheapWire.parseDate(x.attribute("Expires"))
            isExpired = LenientFlag.parse(x.attribute("IsExpired"))
            isLocked = LenientFlag.parse(x.attribute("IsLocked"))
            autoRenew = LenientFlag.parse(x.attribute("AutoRenew"))
            isOurDNS = LenientFlag.parse(x.attribute("IsOurDNS"))
        }
    }

    public struct Paging: Sendable, Hashable {
        public var totalItems: Int
        public var currentPage: Int
        public var pageSize: Int
    }

    /// `MM/DD/YYYY`.
    static func parseDate(_ s: String?) -> Date? {
        guard let s, !s.isEmpty else { return nil }
        return FixedFormatDate.monthFirst(s)
    }

    /// Error numbers (B4) and what they mean for us.
    static func kind(of number: String) -> ProviderError.Kind {
        switch number {
        case "1010101", "1030408", "1010102", "1011102", "1010105", "1011105", "1050900", "1011150", "1017150",
             "1017105", "1017101", "1017410", "1017411", "1019103", "1016103", "1017103", "4011103":
            return .authentication
        case "2019166", "2016166", "2030166": return .notFound
        case "2030288": return .unsupported
        case "2050900", "1010104": return .invalidRequest
        case "500000": return .rateLimited
        case "3031510", "3050900", "5050900", "5019169", "5050169": return .transient
        default: return .provider
        }
    }

    /// "unknown exceptions (retryable per official SDK)" and upstream errors (B4).
    static let retryableNumbers: Set<String> = ["5050900", "5019169", "5050169", "3031510", "3050900"]
}
