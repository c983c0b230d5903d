import Foundation
import Inventory
import Mustache
import Store

/// A complete RFC 5322 message, CRLF line ends, ready for SMTP DATA.
public struct BuiltMessage: Sendable, Equatable {
    public var envelopeFrom: String
    public var recipient: String
    public var messageID: String
    public var headers: [(name: String, value: String)]
    public var data: [UInt8]

    public static func == (a: BuiltMessage, b: BuiltMessage) -> Bool { a.data == b.data }

    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// Renders a campaign step for one recipient with every compliance header
/// (sending.md §1.4): one-click List-Unsubscribe (https + mailto),
/// List-Unsubscribe-Post, a visible unsubscribe line, and variables that let
/// Mailgun webhooks be matched back to the message.
public struct MessageBuilder: Sendable {
    public let unsubscribe: UnsubscribeLink
    private let templates = TemplateCache()

    public init(unsubscribe: UnsubscribeLink) { self.unsubscribe = unsubscribe }

    public static func make(fleet: SendingFleet, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MessageBuilder {
        let secret: String
        do { secret = try SecretRef.resolve(fleet.unsubscribe.secret, environment: environment) } catch { throw SenderError.configuration("\(error)") }
        return MessageBuilder(unsubscribe: UnsubscribeLink(baseURL: fleet.unsubscribe.baseURL, secret: secret))
    }

    /// `<token@sending-domain>`: unique per logical message, reused by every retry of it.
    public static func messageID(token: String, mailbox: SendingMailbox) -> String { "<\(token)@\(mailbox.domain)>" }

    public func build(record: MessageRecord, campaign: Campaign, mailbox: SendingMailbox, group: String, messageID: String, date: Double) throws -> BuiltMessage {
        let m = record.message
        guard m.step < campaign.steps.count else {
            throw SenderError.configuration("campaign \(campaign.id) has no step \(m.step)")
        }
        let step = campaign.steps[m.step]
        var vars = record.variables
        vars["email"] = m.email
        let unsubURL = unsubscribe.url(for: m.email)
        let token = unsubscribe.token(for: m.email)
        vars["unsubscribe_url"] = unsubURL

        let subject = try render("{{% CONTENT_TYPE: TEXT}}" + step.subject, vars).trimmingCharacters(in: .whitespacesAndNewlines)
        var text = try render("{{% CONTENT_TYPE: TEXT}}" + step.text, vars)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "\n--\nIf you'd rather not hear from me again, unsubscribe here: \(unsubURL)\n"
        var html: String?
        if let h = step.html {
            var rendered = try render(h, vars)
            let line = "<p style=\"font-size:12px;color:#666\">If you'd rather not hear from me again, <a href=\"\(unsubURL.htmlEscaped)\">unsubscribe here</a>.</p>"
            if let r = rendered.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
                rendered.insert(contentsOf: line + "\n", at: r.lowerBound)
            } else {
                rendered += "\n" + line + "\n"
            }
            html = rendered
        }

        var headers: [(String, String)] = []
        let from = mailbox.displayName.map { "\(HeaderEncoding.displayName($0)) <\(mailbox.address)>" } ?? mailbox.address
        headers.append(("From", from))
        headers.append(("To", "<\(m.email)>"))
        headers.append(("Subject", HeaderEncoding.text(subject)))
        headers.append(("Date", HeaderEncoding.date(date)))
        headers.append(("Message-ID", messageID))
        if let prev = record.previousMessageID {
            headers.append(("In-Reply-To", prev))
            headers.append(("References", prev))
        }
        headers.append(("MIME-Version", "1.0"))
        // One line each, so a DKIM signature over them is not broken by refolding (sending.md §1.4).
        headers.append(("List-Unsubscribe", "<\(unsubURL)>, <mailto:\(mailbox.address)?subject=unsubscribe%20\(token)>"))
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
        let variables = JSONEncoder.sorted.encodeString(["campaign": m.campaign, "step": String(m.step), "message_id": messageID, "group": group])
        headers.append(("X-Mailgun-Variables", variables))
        headers.append(("X-Mailgun-Tag", m.campaign))
        headers.append(("Feedback-ID", "\(m.step):\(Self.feedbackSafe(m.campaign)):\(Self.feedbackSafe(group)):reconcile"))

        var body = ""
        if let html {
            let boundary = "=_alt_" + String(messageID.filter { $0.isLetter || $0.isNumber }.prefix(24))
            headers.append(("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""))
            body += "This is a multi-part message in MIME format.\r\n\r\n"
            body += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            body += HeaderEncoding.quotedPrintable(text) + "\r\n"
            body += "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            body += HeaderEncoding.quotedPrintable(html) + "\r\n"
            body += "--\(boundary)--\r\n"
        } else {
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
            headers.append(("Content-Transfer-Encoding", "quoted-printable"))
            body = HeaderEncoding.quotedPrintable(text) + "\r\n"
        }
        let head = headers.map { "\($0.0): \($0.1)\r\n" }.joined()
        return BuiltMessage(envelopeFrom: mailbox.address, recipient: m.email, messageID: messageID,
                            headers: headers.map { (name: $0.0, value: $0.1) }, data: Array((head + "\r\n" + body).utf8))
    }

    func render(_ template: String, _ vars: [String: String]) throws -> String {
        try templates.template(template).render(vars)
    }

    static func feedbackSafe(_ s: String) -> String { String(s.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }) }
}

extension JSONEncoder {
    func encodeString<T: Encodable>(_ v: T) -> String { String(decoding: (try? encode(v)) ?? Data(), as: UTF8.self) }
}

extension String {
    var htmlEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Parsed templates by source text: a campaign step is parsed once, not per message.
final class TemplateCache: @unchecked Sendable {
    private let lock = NSLock()
    private var parsed: [String: MustacheTemplate] = [:]

    func template(_ source: String) throws -> MustacheTemplate {
        if let t = lock.withLock({ parsed[source] }) { return t }
        let t = try MustacheTemplate(string: source)
        lock.withLock { parsed[source] = t }
        return t
    }
}
