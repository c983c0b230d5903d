import Foundation

/// A Mailgun region, and every fact that depends on it (mail-platforms.md
/// 1.1, 1.5). Region is a property of each domain: every call about a domain
/// goes to the API base of the region it was created in.
///
/// The live DNS values come from Mailgun's API (`sending_dns_records`); these
/// are what the compiler can know before any call. EU's SPF include
/// `eu.mailgun.org` is community evidence only (mail-platforms.md 6), so the
/// emulators and the DNS checker compare "contains my include", not equality.
///
/// Defined once, in the root module: the inventory (its YAML values and the
/// records it compiles), the provider clients, the emulators and the sender
/// all read this enum, so a region is never bridged by raw value.
public enum MailgunRegion: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case us, eu

    public var description: String { rawValue }

    public var apiBase: URL {
        switch self {
        case .us: URL(string: "https://api.mailgun.net")!
        case .eu: URL(string: "https://api.eu.mailgun.net")!
        }
    }

    /// The SMTP relay (STARTTLS on 587, sending.md 6.1).
    public var smtpHost: String {
        switch self {
        case .us: "smtp.mailgun.org"
        case .eu: "smtp.eu.mailgun.org"
        }
    }

    public var smtpURL: String { "smtp://\(smtpHost):587" }

    /// Inbound MX hosts, each at `mxPriority`.
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
}
