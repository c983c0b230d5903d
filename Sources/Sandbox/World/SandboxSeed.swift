/// Which domains each registrar emulator starts with, as freshly bought
/// domains, and which Zoho organisation the Zoho emulator is. A plain value
/// so the inventory (or a flag) can fill it.
///
/// With a saved world, seed domains the state does not hold yet are registered
/// on start (the operator added a domain to the inventory: the sandbox "buys"
/// it); domains it holds are left as they are.
public struct SandboxSeed: Sendable, Codable, Equatable {
    /// API name (`porkbun`, `namecheap`) → domain names.
    public var domains: [String: [String]]
    /// The inventory's zoho account; nil keeps the saved organisation (or the default).
    public var zoho: SandboxZohoOrg?

    public init(domains: [String: [String]] = [:], zoho: SandboxZohoOrg? = nil) {
        self.domains = domains
        self.zoho = zoho
    }

    public static let demo = SandboxSeed(domains: ["porkbun": ["acme-mail.com"], "namecheap": ["acme-outreach.net"]])

    public func domains(for api: String) -> [String] { domains[api] ?? [] }

    /// `porkbun:a.com,namecheap:b.net,porkbun:c.org`
    public static func parse(_ spec: String) throws(SandboxSeedError) -> SandboxSeed {
        var out: [String: [String]] = [:]
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].contains(" ") else {
                throw SandboxSeedError(item: item)
            }
            out[parts[0].lowercased(), default: []].append(parts[1].lowercased())
        }
        return SandboxSeed(domains: out)
    }
}

public struct SandboxSeedError: Error, CustomStringConvertible {
    public let item: String
    public var description: String { "--seed-domains: '\(item)' is not REGISTRAR:DOMAIN (e.g. porkbun:acme-mail.com)" }
}
