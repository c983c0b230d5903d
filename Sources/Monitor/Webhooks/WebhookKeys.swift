import Foundation
import Inventory
import Providers

/// Which signing key verifies a webhook: the one of the Mailgun account
/// (region) that sends for the event's domain. A domain not in the fleet has
/// no key, so its events are refused.
public struct WebhookKeys: Sendable {
    let byDomain: [String: MailgunWebhookVerifier]
    /// Domains whose account has no (resolvable) `webhook_signing_key`: `serve` warns.
    public let unverifiable: [String]

    public init(byDomain keys: [String: String]) {
        byDomain = Dictionary(uniqueKeysWithValues: keys.map { (Self.normalize($0.key), MailgunWebhookVerifier(signingKey: $0.value)) })
        unverifiable = []
    }

    /// Every domain of every group, with its pool's `webhook_signing_key` from `environment`.
    public init(inventory: Inventory, environment: [String: String]) {
        var keys: [String: MailgunWebhookVerifier] = [:]
        var missing: [String] = []
        for g in inventory.groups {
            var key: String?
            if let account = inventory.account(named: g.pool), case .mailgun(let m) = account.settings {
                key = m.webhookSigningKey?.resolve(in: environment).flatMap { $0.isEmpty ? nil : $0 }
            }
            for d in g.domains {
                if let key { keys[Self.normalize(d.name)] = MailgunWebhookVerifier(signingKey: key) } else { missing.append(d.name) }
            }
        }
        byDomain = keys
        unverifiable = missing.sorted()
    }

    public var domains: [String] { byDomain.keys.sorted() }

    func verifier(for domain: String) -> MailgunWebhookVerifier? { byDomain[Self.normalize(domain)] }

    static func normalize(_ domain: String) -> String {
        var d = domain.lowercased()
        while d.hasSuffix(".") { d.removeLast() }
        return d
    }
}
