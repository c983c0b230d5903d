import Providers

/// The mail-platform clients of a run, by the inventory's account names
/// (`DesiredMailgunDomain.account`, `DesiredZohoDomain.account`). A Mailgun
/// client serves one region: an account's domains all live in its region
/// (mail-platforms.md §1.1), and the inventory names one region per pool.
public struct MailAccounts: Sendable {
    public var mailgun: [String: MailgunClient]
    public var zoho: [String: ZohoClient]

    public init(mailgun: [String: MailgunClient] = [:], zoho: [String: ZohoClient] = [:]) {
        self.mailgun = mailgun
        self.zoho = zoho
    }
}

extension MailAccounts {
    /// The drivers of every mail resource kind, for `RoutingDriver`.
    /// `secret` resolves an `env:NAME` reference's NAME at apply time (the
    /// SMTP master secret); its values are never written anywhere.
    public func drivers(secret: @escaping @Sendable (String) -> String?) -> [ResourceKind: any ResourceDriver] {
        let mailgun = MailgunDriver(clients: self.mailgun, secret: secret)
        let zoho = ZohoDriver(clients: self.zoho, secret: secret)
        return [.mailgunDomain: mailgun, .mailgunCredential: mailgun, .mailgunWebhook: mailgun, .mailgunRoute: mailgun,
                .zohoDomain: zoho, .zohoUser: zoho]
    }
}
