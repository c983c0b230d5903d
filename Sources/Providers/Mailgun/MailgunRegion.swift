import Foundation

/// A Mailgun region. Region is a property of each domain: every call about a
/// domain must go to the base URL of the region it was created in
/// (mail-platforms.md §1.1).
public enum MailgunRegion: String, Sendable, Hashable, Codable, CaseIterable {
    case us, eu

    public var apiBase: URL {
        switch self {
        case .us: return URL(string: "https://api.mailgun.net")!
        case .eu: return URL(string: "https://api.eu.mailgun.net")!
        }
    }

    public var smtpHost: String {
        switch self {
        case .us: return "smtp.mailgun.org"
        case .eu: return "smtp.eu.mailgun.org"
        }
    }

    public var inboundMX: [String] {
        switch self {
        case .us: return ["mxa.mailgun.org", "mxb.mailgun.org"]
        case .eu: return ["mxa.eu.mailgun.org", "mxb.eu.mailgun.org"]
        }
    }

    public var trackingTarget: String {
        switch self {
        case .us: return "mailgun.org"
        case .eu: return "eu.mailgun.org"
        }
    }

    /// The SPF include the emulator publishes. `eu.mailgun.org` for EU is unverified
    /// (§1.5) — the client never relies on it; it always reads the records from the API.
    public var spfInclude: String {
        switch self {
        case .us: return "mailgun.org"
        case .eu: return "eu.mailgun.org"
        }
    }
}
