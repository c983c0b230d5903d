import Foundation

/// A Zoho data centre, and every fact that depends on it (mail-platforms.md
/// 2.1, 2.4). The Mail API host and the OAuth accounts host share the
/// region suffix (`mail.zoho.<dc>`, `accounts.zoho.<dc>`).
///
/// MX hosts and priorities are consistent across guides and zone files. The
/// SPF include for non-US data centres is unverified (mail-platforms.md 6);
/// `zoho.<dc>` is what public zone files show.
///
/// Defined once, in the root module: the inventory (its YAML values and the
/// records it compiles), the provider clients, the emulators and the sender
/// all read this enum, so a region is never bridged by raw value.
public enum ZohoRegion: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case com, eu, `in`, comAU = "com.au", jp

    public var description: String { rawValue }

    public var mailBase: URL { URL(string: "https://mail.zoho.\(rawValue)")! }
    public var accountsBase: URL { URL(string: "https://accounts.zoho.\(rawValue)")! }

    /// `mx`, `mx2`, `mx3` at priorities 10, 20, 50.
    public var mxHosts: [(host: String, priority: Int)] {
        [("mx.zoho.\(rawValue)", 10), ("mx2.zoho.\(rawValue)", 20), ("mx3.zoho.\(rawValue)", 50)]
    }

    public var spfInclude: String { "zoho.\(rawValue)" }

    /// IMAP for organisation (domain) mailboxes: `imappro.zoho.<dc>`, port 993, TLS.
    public var imapHost: String { "imappro.zoho.\(rawValue)" }
    /// SMTP submission for organisation mailboxes: `smtppro.zoho.<dc>`, 465 TLS or 587 STARTTLS.
    public var smtpHost: String { "smtppro.zoho.\(rawValue)" }

    /// The suffix of the verification TXT: `zoho-verification=<code>.zmverify.zoho.<dc>`.
    public var verificationSuffix: String { "zmverify.zoho.\(rawValue)" }

    /// The apex TXT value that proves ownership, given the domain's `CNAMEVerificationCode`.
    public func verificationTXT(code: String) -> String { "zoho-verification=\(code).\(verificationSuffix)" }

    /// Zoho's DKIM selector is ours to choose; one fixed name keeps it stable.
    public static let defaultDKIMSelector = "zmail"
}
