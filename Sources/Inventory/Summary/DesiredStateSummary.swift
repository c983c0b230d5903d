/// Counts of what the compiled desired state asks for, for `reconcile validate`.
public struct DesiredStateSummary: Sendable, Hashable, Codable {
    /// DNS records to be present.
    public var records: Int
    /// Of those, records whose value a provider produces during apply (DKIM keys, Zoho verification).
    public var recordsKnownAfterApply: Int
    public var mailgunDomains: Int
    public var smtpCredentials: Int
    public var webhooks: Int
    public var routes: Int
    public var zohoDomains: Int
    public var zohoUsers: Int

    public init(_ s: DesiredState) {
        var r = 0, after = 0, mg = 0, cred = 0, hooks = 0, routes = 0, zd = 0, zu = 0
        for d in s.domains {
            for rec in d.records where rec.ensure == .present {
                r += 1
                if !rec.value.isKnown { after += 1 }
            }
            if d.mailgun.ensure == .present {
                mg += 1
                cred += d.mailgun.smtpCredentials.filter { $0.ensure == .present }.count
                hooks += d.mailgun.webhooks.filter { $0.ensure == .present }.count
                routes += d.mailgun.routes.filter { $0.ensure == .present }.count
            }
            if let z = d.zoho, z.ensure == .present {
                zd += 1
                zu += z.users.filter { $0.ensure == .present }.count
            }
        }
        records = r
        recordsKnownAfterApply = after
        mailgunDomains = mg
        smtpCredentials = cred
        webhooks = hooks
        self.routes = routes
        zohoDomains = zd
        zohoUsers = zu
    }
}
