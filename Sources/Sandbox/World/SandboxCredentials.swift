import Foundation
import DNSRecords
import Providers

/// How a client logs in to one emulator, typed per service. The world's JSON
/// line (`RunningService.descriptor`) is derived from it for scripts; code
/// reads these fields, never the JSON's magic keys.
public enum SandboxCredentials: Sendable {
    case porkbun(PorkbunCredentials)
    case namecheap(NamecheapCredentials)
    case mailgun(Mailgun)
    case zoho(Zoho)
    case telegram(Telegram)

    public struct Mailgun: Sendable {
        public var region: MailgunRegion
        public var apiKey: String
        public var webhookSigningKey: String
        /// SMTP submission: `smtp://127.0.0.1:PORT` (STARTTLS) and the PEM to verify its certificate with.
        public var smtpURL: String
        public var smtpCAFile: String
    }

    public struct Zoho: Sendable {
        public var region: ZohoRegion
        public var orgID: String
        public var clientID: String
        public var clientSecret: String
        public var refreshToken: String
    }

    public struct Telegram: Sendable {
        public var botToken: String
        public var chatID: String
    }

    /// The fields under the real API's own names, as the JSON line prints them.
    var fields: [String: String] {
        switch self {
        case .porkbun(let c): ["apikey": c.apiKey, "secretapikey": c.secretKey]
        case .namecheap(let c): ["ApiUser": c.apiUser, "ApiKey": c.apiKey, "UserName": c.userName, "ClientIp": c.clientIP]
        case .mailgun(let c): ["region": c.region.rawValue, "api_key": c.apiKey, "webhook_signing_key": c.webhookSigningKey,
                               "smtp_url": c.smtpURL, "smtp_ca_file": c.smtpCAFile]
        case .zoho(let c): ["region": c.region.rawValue, "org_id": c.orgID, "client_id": c.clientID,
                            "client_secret": c.clientSecret, "refresh_token": c.refreshToken]
        case .telegram(let c): ["bot_token": c.botToken, "chat_id": c.chatID]
        }
    }
}

extension SandboxWorld {
    /// The URL and typed credentials of the service named `apiName`.
    public func login(_ apiName: String) -> (url: URL, credentials: SandboxCredentials)? {
        service(apiName).map { ($0.url, $0.credentials) }
    }
}
