import DNSRecords

/// The Zoho Mail domain and users of a domain whose inbound mode is `zoho`.
public struct DesiredZohoDomain: Sendable, Hashable, Codable {
    public var ensure: Presence
    /// A zoho account name.
    public var account: String
    public var region: ZohoRegion
    /// The organisation (`zoid`).
    public var orgID: String
    public var dkimSelector: String
    /// The domain's `CNAMEVerificationCode`, produced when the domain is added.
    public var verificationCode: DesiredValue
    /// Sorted by address.
    public var users: [DesiredZohoUser]

    public init(ensure: Presence, account: String, region: ZohoRegion, orgID: String,
                dkimSelector: String = ZohoRegion.defaultDKIMSelector,
                verificationCode: DesiredValue = .afterApply(source: AfterApply.zohoVerificationCode), users: [DesiredZohoUser]) {
        self.ensure = ensure
        self.account = account
        self.region = region
        self.orgID = orgID
        self.dkimSelector = dkimSelector
        self.verificationCode = verificationCode
        self.users = users
    }

    /// The apex TXT value for the verification code Zoho returned.
    public func verificationTXT(code: String) -> String { region.verificationTXT(code: code) }
}

public struct DesiredZohoUser: Sendable, Hashable, Codable {
    public var ensure: Presence
    public var address: String
    public var displayName: String?

    public init(ensure: Presence, address: String, displayName: String?) {
        self.ensure = ensure
        self.address = address
        self.displayName = displayName
    }
}
