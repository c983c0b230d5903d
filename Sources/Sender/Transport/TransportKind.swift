/// How the daemon's mail leaves (`send --transport`).
public enum TransportKind: String, Sendable, CaseIterable {
    /// Each group's Mailgun SMTP pool.
    case smtp
    /// Mailgun's HTTP API (`messages.mime`).
    case mailgunHTTP = "mailgun-http"

    public func make() -> any MailTransport {
        switch self {
        case .smtp: CurlSMTPTransport()
        case .mailgunHTTP: MailgunHTTPTransport()
        }
    }
}
