extension Inventory {
    /// Every `env:NAME` the inventory references, in a stable order: what
    /// a run needs in its environment, and what must be redacted from output.
    public var secretReferences: [SecretRef] {
        var refs: [SecretRef] = []
        for account in sortedAccounts {
            switch account.settings {
            case .porkbun(let p): refs += [p.apiKey, p.secretKey]
            case .namecheap(let n): refs.append(n.apiKey)
            case .mailgun(let m): refs += [m.apiKey] + [m.webhookSigningKey, m.smtpPasswordSecret].compactMap { $0 }
            case .zoho(let z): refs += [z.clientID, z.clientSecret, z.refreshToken]
            }
        }
        refs += [defaults.smtpPasswordSecret, alerts.telegram?.botToken, monitoring.unsubscribeSecret,
                 monitoring.statusAuth?.password].compactMap { $0 }
        var seen = Set<String>()
        return refs.filter { seen.insert($0.name).inserted }
    }
}
