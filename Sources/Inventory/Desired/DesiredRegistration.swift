/// The registrar side of a domain: registered at `account`, auto-renewing,
/// and delegated to the registrar's own DNS (which hosts the records).
public struct DesiredRegistration: Sendable, Hashable, Codable {
    public enum Nameservers: String, Sendable, Hashable, Codable {
        /// The registrar's default nameservers (Porkbun's, Namecheap's BasicDNS).
        case registrarDNS = "registrar-dns"
    }

    /// A porkbun or namecheap account name.
    public var account: String
    public var registrar: AccountKind
    public var autoRenew: Bool
    public var nameservers: Nameservers

    public init(account: String, registrar: AccountKind, autoRenew: Bool = true, nameservers: Nameservers = .registrarDNS) {
        self.account = account
        self.registrar = registrar
        self.autoRenew = autoRenew
        self.nameservers = nameservers
    }
}
