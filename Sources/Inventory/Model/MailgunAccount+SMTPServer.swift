/// Where a pool's mailboxes log in over SMTP, as host, port and TLS mode.
public struct SMTPServer: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// `smtps://`: TLS from the first byte; otherwise STARTTLS.
    public var implicitTLS: Bool
}

extension MailgunAccount {
    /// `smtp_endpoint` when the inventory sets one (checked at load as
    /// `smtp[s]://HOST:PORT`), else the region's host on 587 with STARTTLS —
    /// the same place `send` relays to.
    public var smtpServer: SMTPServer {
        guard let url = smtpEndpoint, let scheme = ["smtps://", "smtp://"].first(where: { url.hasPrefix($0) }),
              let colon = url.lastIndex(of: ":"), let port = Int(url[url.index(after: colon)...]) else {
            return SMTPServer(host: region.smtpHost, port: 587, implicitTLS: false)
        }
        var host = String(url[url.index(url.startIndex, offsetBy: scheme.count)..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return SMTPServer(host: host, port: port, implicitTLS: scheme == "smtps://")
    }
}
