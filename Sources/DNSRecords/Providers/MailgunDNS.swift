/// The DNS values a Mailgun domain needs, per region (mail-platforms.md 1.1, 1.5).
///
/// The live values come from Mailgun's API (`sending_dns_records`); these are
/// what the compiler can know before any call. EU's SPF include
/// `eu.mailgun.org` is community evidence only (mail-platforms.md 6), so the
/// emulators and the DNS checker compare "contains my include", not equality.
public enum MailgunDNSRegion: String, Sendable, Hashable, Codable, CaseIterable {
    case us, eu

    /// Inbound MX hosts, priority 10 each.
    public var mxHosts: [String] {
        switch self {
        case .us: ["mxa.mailgun.org", "mxb.mailgun.org"]
        case .eu: ["mxa.eu.mailgun.org", "mxb.eu.mailgun.org"]
        }
    }

    public static let mxPriority = 10

    public var spfInclude: String {
        switch self {
        case .us: "mailgun.org"
        case .eu: "eu.mailgun.org"
        }
    }

    /// Target of the open/click tracking CNAME `<web_prefix>.<domain>`.
    public var trackingTarget: String {
        switch self {
        case .us: "mailgun.org"
        case .eu: "eu.mailgun.org"
        }
    }

    public var smtpHost: String {
        switch self {
        case .us: "smtp.mailgun.org"
        case .eu: "smtp.eu.mailgun.org"
        }
    }

    public var apiBase: String {
        switch self {
        case .us: "https://api.mailgun.net"
        case .eu: "https://api.eu.mailgun.net"
        }
    }
}
