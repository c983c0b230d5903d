import Foundation

/// Porkbun API v3 wire types (registrars.md Part A). Decoding is tolerant of
/// the documented type chaos; the emulator builds its answers independently.
public enum PorkbunWire {
    public static let productionURL = URL(string: "https://api.porkbun.com/api/json/v3")!

    /// The four names that mean "Porkbun's DNS serves the zone" (A6).
    public static let defaultNameservers = [
        "curitiba.ns.porkbun.com", "fortaleza.ns.porkbun.com", "maceio.ns.porkbun.com", "salvador.ns.porkbun.com",
    ]

    /// The apex NS records inside every Porkbun zone: the older names,
    /// without `.ns.` (registrars.md A2); never compared with `getNs`.
    public static let zoneApexNameservers = [
        "curitiba.porkbun.com", "fortaleza.porkbun.com", "maceio.porkbun.com", "salvador.porkbun.com",
    ]

    public struct Envelope: Decodable, Sendable {
        public var status: String?
        public var message: String?
    }

    public struct Ping: Decodable, Sendable {
        public var status: String?
        public var yourIp: String?
        /// 2026 addition; absent in older answers (A2).
        public var credentialsValid: Bool?
    }

    public struct DomainList: Decodable, Sendable {
        public var domains: [Domain]?
    }

    public struct Domain: Decodable, Sendable, Hashable {
        public var domain: String
        public var status: String?
        public var tld: String?
        public var createDate: String?
        public var expireDate: String?
        public var securityLock: LenientFlag?
        public var whoisPrivacy: LenientFlag?
        public var autoRenew: LenientFlag?
        public var notLocal: LenientFlag?
        public var apiAccess: LenientFlag?

        /// `"YYYY-MM-DD HH:MM:SS"` without a zone; read as UTC (A2, zone unverified).
        public var expires: Date? { PorkbunWire.parseDate(expireDate) }
    }

    public struct Nameservers: Decodable, Sendable {
        public var ns: [String]?
    }

    public struct Records: Decodable, Sendable {
        public var records: [Record]?
    }

    public struct Record: Decodable, Sendable, Hashable {
        public var id: LenientString
        /// FQDN without trailing dot (`www.example.xyz`, apex = the domain).
        public var name: String
        public var type: String
        public var content: String
        public var ttl: LenientString?
        public var prio: LenientString?
        public var notes: String?
    }

    public struct Created: Decodable, Sendable {
        /// A JSON number here, a string in `retrieve` (A2).
        public var id: LenientString?
    }

    /// One entry of `domain/getUrlForwarding` (every field a string, A2).
    public struct URLForward: Decodable, Sendable, Hashable {
        public var id: LenientString
        /// `""` for the apex.
        public var subdomain: String?
        public var location: String
        /// `temporary` or `permanent`.
        public var type: String?
        /// `yes` or `no`.
        public var includePath: LenientString?
        public var wildcard: LenientString?
    }

    public struct URLForwards: Decodable, Sendable {
        public var forwards: [URLForward]?
    }

    /// The body of `domain/addUrlForward`.
    public struct URLForwardInput: Sendable, Hashable {
        public var subdomain: String
        public var location: String
        public var type: String
        public var includePath: String
        public var wildcard: String

        public init(subdomain: String, location: String, type: String, includePath: String, wildcard: String = "no") {
            self.subdomain = subdomain
            self.location = location
            self.type = type
            self.includePath = includePath
            self.wildcard = wildcard
        }
    }

    static func parseDate(_ s: String?) -> Date? {
        guard let s, !s.isEmpty else { return nil }
        return FixedFormatDate.yearFirst(s)
    }
}
