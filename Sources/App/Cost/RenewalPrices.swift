import Foundation
import Inventory
import Providers

/// A registrar account's yearly renewal price per TLD, from its pricing API.
public protocol RenewalPriceSource: Sendable {
    /// Prices of the TLDs it knows; a TLD it does not sell is left out.
    func renewalPrices(tlds: Set<String>) async throws -> [String: USD]
}

/// Porkbun: one `pricing/get` answers every TLD (no API key).
public struct PorkbunRenewalPrices: RenewalPriceSource {
    public let client: PorkbunClient
    public init(client: PorkbunClient) { self.client = client }

    public func renewalPrices(tlds: Set<String>) async throws -> [String: USD] {
        let table = try await client.pricing()
        var out: [String: USD] = [:]
        for tld in tlds {
            if let text = table[tld]?.renewal?.value, case .success(let usd) = USD.parse(text) { out[tld] = usd }
        }
        return out
    }
}

/// Namecheap: `users.getPricing` for RENEW, one call per TLD (the full table
/// is large, and a fleet has few TLDs); the one-year price the account pays.
public struct NamecheapRenewalPrices: RenewalPriceSource {
    public let client: NamecheapClient
    public init(client: NamecheapClient) { self.client = client }

    public func renewalPrices(tlds: Set<String>) async throws -> [String: USD] {
        var out: [String: USD] = [:]
        for tld in tlds.sorted() {
            let rows = try await client.getDomainPricing(action: "RENEW", product: tld)
            let oneYear = rows.first { $0.product == tld && $0.category == "RENEW" && $0.duration == 1 && $0.durationType == "YEAR"
                && $0.currency.uppercased() == "USD" }
            if let text = oneYear?.amount, case .success(let usd) = USD.parse(text) { out[tld] = usd }
        }
        return out
    }
}

/// The pricing sources of an inventory's registrar accounts. Porkbun's needs
/// no key; Namecheap's needs the account's `api_key` (every call does): when
/// it is not set, that account has no source and the report says why.
public enum RegistrarPricing {
    public static func sources(for inventory: Inventory, environment: [String: String], endpoints: [String: URL] = [:])
        -> (sources: [String: any RenewalPriceSource], problems: [String: String]) {
        var sources: [String: any RenewalPriceSource] = [:]
        var problems: [String: String] = [:]
        for account in inventory.sortedAccounts {
            let endpoint = endpoints[account.name] ?? account.endpoint.flatMap { URL(string: $0) }
            switch account.settings {
            case .porkbun:
                // pricing/get needs no key: none is read from the environment, and the client sends none.
                sources[account.name] = PorkbunRenewalPrices(client: PorkbunClient(baseURL: endpoint ?? PorkbunWire.productionURL,
                                                                                   credentials: PorkbunCredentials(apiKey: "", secretKey: "")))
            case .namecheap(let n):
                guard let key = n.apiKey.resolve(in: environment) else {
                    problems[account.name] = "\(n.apiKey) is not set in the environment"
                    continue
                }
                sources[account.name] = NamecheapRenewalPrices(client: NamecheapClient(
                    baseURL: endpoint ?? NamecheapWire.productionURL,
                    credentials: NamecheapCredentials(apiUser: n.apiUser, apiKey: key, userName: n.username, clientIP: n.clientIP)))
            case .mailgun, .zoho:
                continue
            }
        }
        return (sources, problems)
    }
}
