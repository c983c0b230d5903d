/// The DNS values a Zoho Mail domain needs, per data centre (mail-platforms.md 2.4).
///
/// MX hosts and priorities are consistent across guides and zone files. The
/// SPF include for non-US data centres is unverified (mail-platforms.md 6);
/// `zoho.<tld>` is what public zone files show.
public enum ZohoDataCentre: String, Sendable, Hashable, Codable, CaseIterable {
    case com, eu, `in`, comAU = "com.au"

    /// `mx`, `mx2`, `mx3` at priorities 10, 20, 50.
    public var mx: [(priority: Int, host: String)] {
        [(10, "mx.zoho.\(rawValue)"), (20, "mx2.zoho.\(rawValue)"), (50, "mx3.zoho.\(rawValue)")]
    }

    public var spfInclude: String { "zoho.\(rawValue)" }

    /// The suffix of the verification TXT: `zoho-verification=<code>.zmverify.zoho.<dc>`.
    public var verificationSuffix: String { "zmverify.zoho.\(rawValue)" }

    /// The apex TXT value that proves ownership, given the domain's `CNAMEVerificationCode`.
    public func verificationTXT(code: String) -> String { "zoho-verification=\(code).\(verificationSuffix)" }

    /// Zoho's DKIM selector is ours to choose; one fixed name keeps it stable.
    public static let defaultDKIMSelector = "zmail"
}
