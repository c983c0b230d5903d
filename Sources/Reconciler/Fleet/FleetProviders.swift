import Foundation
import Inventory
import Providers
import Store

/// The provider clients of an inventory's accounts, built from `env:NAME`
/// references resolved in an environment. The sandbox builds the same thing
/// with an environment of emulator credentials and endpoint overrides, so
/// `--sandbox` runs exactly the production code path.
public struct FleetProviders: Sendable {
    /// Registrars by inventory account name.
    public var registrars: [String: any RegistrarDNSProvider]
    public var mailgun: [String: MailgunClient]
    public var zoho: [String: ZohoClient]
    public var mail: MailAccounts { MailAccounts(mailgun: mailgun, zoho: zoho) }
    /// Resolves `env:NAME` at apply time (the SMTP master secret).
    public var secret: @Sendable (String) -> String?
    /// Every secret value in use: redacted from anything the tool prints.
    public var secretValues: [String]

    public init(registrars: [String: any RegistrarDNSProvider], mailgun: [String: MailgunClient] = [:],
                zoho: [String: ZohoClient] = [:], secret: @escaping @Sendable (String) -> String? = { _ in nil },
                secretValues: [String] = []) {
        self.registrars = registrars
        self.mailgun = mailgun
        self.zoho = zoho
        self.secret = secret
        self.secretValues = secretValues
    }

    /// Builds a client for every account. A missing secret is an error that
    /// names the reference and where the inventory wrote it — never a value.
    /// `endpoints` overrides an account's API base (`endpoint:` in the
    /// inventory does the same per account). `rateDirectory`: where each
    /// account's request slots are shared with the other processes on the
    /// host (`FileRateLedger`); nil keeps them in this process only.
    /// `sharedRates` (a PostgreSQL state) shares them with every host
    /// instead, and then `rateDirectory` is not used.
    public static func build(for inventory: Inventory, environment: [String: String],
                             endpoints: [String: URL] = [:], limits: Bool = true,
                             rateDirectory: String? = nil, sharedRates: SharedRateLedgerStore? = nil) throws(FleetSetupError) -> FleetProviders {
        var missing: [String] = []
        func value(_ ref: SecretRef, _ account: String, _ field: String) -> String {
            guard let v = ref.resolve(in: environment) else {
                missing.append("\(ref.location): accounts.\(account).\(field): \(ref) is not set in the environment")
                return ""
            }
            return v
        }
        func ledger(_ provider: String, _ identity: String) -> (any RateLedger)? {
            if let sharedRates { return SharedRateLedger(store: sharedRates, provider: provider, identity: identity) }
            return rateDirectory.map { FileRateLedger(directory: $0, provider: provider, identity: identity) }
        }
        var registrars: [String: any RegistrarDNSProvider] = [:]
        var mailgun: [String: MailgunClient] = [:]
        var zoho: [String: ZohoClient] = [:]
        for account in inventory.sortedAccounts {
            let name = account.name
            let endpoint = endpoints[name] ?? account.endpoint.flatMap { URL(string: $0) }
            switch account.settings {
            case .porkbun(let p):
                let credentials = PorkbunCredentials(apiKey: value(p.apiKey, name, "api_key"),
                                                     secretKey: value(p.secretKey, name, "secret_key"))
                registrars[name] = PorkbunProvider(client: PorkbunClient(
                    baseURL: endpoint ?? PorkbunWire.productionURL, credentials: credentials,
                    budget: limits ? .porkbun(ledger: ledger("porkbun", credentials.apiKey)) : .unlimited()))
            case .namecheap(let n):
                let credentials = NamecheapCredentials(apiUser: n.apiUser, apiKey: value(n.apiKey, name, "api_key"),
                                                       userName: n.username, clientIP: n.clientIP)
                registrars[name] = NamecheapProvider(client: NamecheapClient(
                    baseURL: endpoint ?? NamecheapWire.productionURL, credentials: credentials,
                    budget: limits ? .namecheap(ledger: ledger("namecheap", n.apiUser)) : .unlimited()))
            case .mailgun(let m):
                let key = value(m.apiKey, name, "api_key")
                mailgun[name] = MailgunClient(region: m.region, apiKey: key, endpoint: endpoint,
                                              budget: limits ? .mailgun(ledger: ledger("mailgun", key)) : .unlimited())
            case .zoho(let z):
                zoho[name] = ZohoClient(region: z.region, orgID: z.orgID, clientID: value(z.clientID, name, "client_id"),
                                        clientSecret: value(z.clientSecret, name, "client_secret"),
                                        refreshToken: value(z.refreshToken, name, "refresh_token"),
                                        mailEndpoint: endpoint, accountsEndpoint: endpoint,
                                        budget: limits ? .zoho(ledger: ledger("zoho", z.orgID)) : .unlimited())
            }
        }
        // Every secret the inventory references is redacted whenever it is set,
        // including those only some runs use (the SMTP master secret).
        let used = inventory.secretReferences.compactMap { $0.resolve(in: environment) }
        if !missing.isEmpty { throw FleetSetupError(problems: missing.sorted()) }
        let env = environment
        return FleetProviders(registrars: registrars, mailgun: mailgun, zoho: zoho,
                              secret: { name in env[name].flatMap { $0.isEmpty ? nil : $0 } },
                              secretValues: used)
    }
}

/// Accounts that cannot be used: each line names the inventory location.
public struct FleetSetupError: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
