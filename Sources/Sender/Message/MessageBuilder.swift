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
        MessageBuilder(unsubscribe: try UnsubscribeLink(fleet: fleet, environment: environment))
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
        vars["time_zone"] = m.timeZone ?? campaign.defaultTimeZone
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

        // Every header goes through the one writer: it refuses control characters
        // from any of these sources, encodes non-ASCII and folds (issue #19).
        var w = HeaderWriter()
        try w.mailbox("From", address: mailbox.address, displayName: mailbox.displayName, source: "sending mailbox")
        try w.angleAddress("To", m.email, source: "recipient address")
        try w.unstructured("Subject", subject, source: "subject template of step \(m.step) and its variables")
        try w.token("Date", HeaderEncoding.date(date), source: "clock")
        try w.messageID("Message-ID", messageID, source: "outbox")
        if let prev = record.previousMessageID {
            try w.messageID("In-Reply-To", prev, source: "previous message of the sequence")
            try w.messageID("References", prev, source: "previous message of the sequence")
        }
        try w.token("MIME-Version", "1.0", source: "builder")
        try w.uriList("List-Unsubscribe", [unsubURL, "mailto:\(mailbox.address)?subject=unsubscribe%20\(token)"], source: "unsubscribe link")
        try w.token("List-Unsubscribe-Post", "List-Unsubscribe=One-Click", source: "builder")
        try w.jsonObject("X-Mailgun-Variables", [(key: "campaign", value: m.campaign, source: "campaign name"),
                                                 (key: "step", value: String(m.step), source: "step"),
                                                 (key: "message_id", value: messageID, source: "outbox"),
                                                 (key: "group", value: group, source: "group name")])
        try w.unstructured("X-Mailgun-Tag", m.campaign, source: "campaign name")
        try HeaderWriter.check(m.campaign, header: "Feedback-ID", source: "campaign name")
        try HeaderWriter.check(group, header: "Feedback-ID", source: "group name")
        try w.token("Feedback-ID", "\(m.step):\(Self.feedbackSafe(m.campaign)):\(Self.feedbackSafe(group)):reconcile", source: "campaign and group names")

        // Quoted-printable keeps every body line under 77 octets, whatever the templates hold.
        var body = ""
        if let html {
            let boundary = "=_alt_" + String(messageID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(24))
            try w.token("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"", source: "builder")
            body += "This is a multi-part message in MIME format.\r\n\r\n"
            body += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            body += HeaderEncoding.quotedPrintable(text) + "\r\n"
            body += "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            body += HeaderEncoding.quotedPrintable(html) + "\r\n"
            body += "--\(boundary)--\r\n"
        } else {
            try w.token("Content-Type", "text/plain; charset=utf-8", source: "builder")
            try w.token("Content-Transfer-Encoding", "quoted-printable", source: "builder")
            body = HeaderEncoding.quotedPrintable(text) + "\r\n"
        }
        return BuiltMessage(envelopeFrom: mailbox.address, recipient: m.email, messageID: messageID,
                            headers: w.fields, data: Array((w.text + "\r\n" + body).utf8))
    }

    func render(_ template: String, _ vars: [String: String]) throws -> String {
        try templates.template(template).render(vars)
    }

    /// Feedback-ID fields are identifiers to Gmail: ASCII letters, digits and `-`.
    static func feedbackSafe(_ s: String) -> String {
        String(s.prefix(64).map { $0.isASCII && ($0.isLetter || $0.isNumber) || $0 == "-" ? $0 : "-" })
    }
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
