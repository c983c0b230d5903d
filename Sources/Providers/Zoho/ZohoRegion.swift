import Foundation

/// A Zoho data centre. The Mail API host and the OAuth accounts host share the
/// region suffix (mail-platforms.md §2.1: `mail.zoho<suffix>`, `accounts.zoho<suffix>`).
public enum ZohoRegion: String, Sendable, Hashable, Codable, CaseIterable {
    case com, eu, `in`, comAU = "com.au", jp

    public var mailBase: URL { URL(string: "https://mail.zoho.\(rawValue)")! }
    public var accountsBase: URL { URL(string: "https://accounts.zoho.\(rawValue)")! }

    /// MX hosts with priorities 10/20/50 (§2.4 "DNS values Zoho needs").
    public var mxHosts: [(host: String, priority: Int)] {
        [("mx.zoho.\(rawValue)", 10), ("mx2.zoho.\(rawValue)", 20), ("mx3.zoho.\(rawValue)", 50)]
    }

    /// The SPF include. Only `zoho.com` is consistent across sources; the others are
    /// unverified (§2.4) and callers should take the value from configuration.
    public var defaultSPFInclude: String { "zoho.\(rawValue)" }

    /// The TXT value for ownership verification by TXT (§2.4, [3P]).
    public func verificationTXT(code: String) -> String { "zoho-verification=\(code).zmverify.zoho.\(rawValue)" }
}
