import Foundation

/// A registered domain as its registrar reports it: the registration facts
/// drift detection needs (registrars.md A6, B6).
public struct RegistrarDomain: Sendable, Hashable, Codable {
    /// Lower-cased, no trailing dot.
    public var name: String
    public var expires: Date?
    public var autoRenew: Bool
    /// Registrar transfer lock.
    public var locked: Bool
    /// Delegated nameservers when the listing carries them (nil: ask `nameservers(of:)`).
    public var nameservers: [String]?
    /// Whether the registrar's DNS serves the zone (nil: unknown from the listing alone;
    /// Porkbun's listAll does not say, Namecheap's getList does via IsOurDNS).
    public var usesRegistrarDNS: Bool?
    /// The registrar's status word (`ACTIVE`, expired…), if any.
    public var status: String?

    public init(name: String, expires: Date?, autoRenew: Bool, locked: Bool, nameservers: [String]? = nil,
                usesRegistrarDNS: Bool? = nil, status: String? = nil) {
        self.name = name
        self.expires = expires
        self.autoRenew = autoRenew
        self.locked = locked
        self.nameservers = nameservers
        self.usesRegistrarDNS = usesRegistrarDNS
        self.status = status
    }
}

/// Where a domain is delegated, compared without order, case or trailing dots.
public struct Delegation: Sendable, Hashable, Codable {
    public var nameservers: [String]
    public var usesRegistrarDNS: Bool

    public init(nameservers: [String], registrarNameservers: [String]) {
        self.nameservers = Delegation.canonical(nameservers)
        let ours = Set(Delegation.canonical(registrarNameservers))
        usesRegistrarDNS = !self.nameservers.isEmpty && Set(self.nameservers).isSubset(of: ours)
    }

    public init(nameservers: [String], usesRegistrarDNS: Bool) {
        self.nameservers = Delegation.canonical(nameservers)
        self.usesRegistrarDNS = usesRegistrarDNS
    }

    /// Sorted, lower-cased, one trailing dot stripped (.de answers with dots, A2).
    public static func canonical(_ ns: [String]) -> [String] {
        ns.map { n in var s = n.trimmingCharacters(in: .whitespaces).lowercased(); if s.hasSuffix(".") { s.removeLast() }; return s }
            .filter { !$0.isEmpty }.sorted()
    }
}
