/// A value of the desired state: known from the inventory, or produced by a
/// provider during apply (Mailgun's DKIM key, Zoho's verification code). A
/// plan shows the latter as "known after apply"; apply resolves it in
/// dependency order and later runs compare against the observed value.
public enum DesiredValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case known(String)
    /// `source` names the provider output that supplies the value (`AfterApply.*`).
    case afterApply(source: String)

    public var known: String? { if case .known(let v) = self { return v } else { return nil } }
    public var isKnown: Bool { known != nil }

    public var description: String {
        switch self {
        case .known(let v): v
        case .afterApply(let s): "(known after apply: \(s))"
        }
    }

    // JSON: `{"known": "v=spf1 …"}` or `{"after_apply": "mailgun.domain.dkim"}`,
    // the shape saved plans carry.
    private enum CodingKeys: String, CodingKey { case known, afterApply = "after_apply" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(String.self, forKey: .known) {
            self = .known(v)
        } else {
            self = .afterApply(source: try c.decode(String.self, forKey: .afterApply))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .known(let v): try c.encode(v, forKey: .known)
        case .afterApply(let s): try c.encode(s, forKey: .afterApply)
        }
    }
}

/// The provider outputs a desired value may wait for.
public enum AfterApply {
    /// The `k=rsa; p=…` TXT value from the Mailgun domain's `sending_dns_records`
    /// (mail-platforms.md 1.5), published verbatim.
    public static let mailgunDKIM = "mailgun.domain.dkim"
    /// The `publicKey` of the Zoho domain's DKIM entry (`v=DKIM1; k=rsa; p=…`, mail-platforms.md 2.4).
    public static let zohoDKIM = "zoho.domain.dkim"
    /// The Zoho domain's `CNAMEVerificationCode`; the TXT is
    /// `ZohoRegion.verificationTXT(code:)` of it.
    public static let zohoVerificationCode = "zoho.domain.verification-code"
}

/// Whether a resource should exist. Retired domains keep their names in the
/// desired state with their mail resources `absent`, so the reconciler
/// tears down exactly what it once built.
public enum Presence: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case present, absent
    public var description: String { rawValue }
}
