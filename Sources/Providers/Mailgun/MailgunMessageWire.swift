/// Messages and Events wire shapes (mail-platforms.md §1.14, §1.11).

/// `{"id": "<...@domain>", "message": "Queued. Thank you."}` — `id` **with** angle brackets.
public struct MailgunSendResponse: Sendable, Hashable, Codable {
    public var id: String
    public var message: String
    public init(id: String, message: String) { self.id = id; self.message = message }

    /// The id as events and webhooks carry it in `message.headers.message-id`: without brackets (§1.15 #6).
    public var bareMessageID: String { MailgunMessageID.bare(id) }
}

public enum MailgunMessageID {
    public static func bare(_ id: String) -> String {
        var s = Substring(id)
        if s.hasPrefix("<") { s = s.dropFirst() }
        if s.hasSuffix(">") { s = s.dropLast() }
        return String(s)
    }
}

/// An outgoing message for `POST /v3/{domain}/messages`.
public struct MailgunOutgoingMessage: Sendable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String?
    public var html: String?
    /// ≤ 3 per message (§1.14).
    public var tags: [String]
    /// `h:<Header>` fields, e.g. `List-Unsubscribe`.
    public var headers: [(name: String, value: String)]
    /// `v:<name>` fields; they come back as strings in events (§1.10).
    public var variables: [(name: String, value: String)]
    public var testMode: Bool

    public init(from: String, to: [String], subject: String, text: String? = nil, html: String? = nil,
                tags: [String] = [], headers: [(name: String, value: String)] = [],
                variables: [(name: String, value: String)] = [], testMode: Bool = false) {
        self.from = from; self.to = to; self.subject = subject; self.text = text; self.html = html
        self.tags = tags; self.headers = headers; self.variables = variables; self.testMode = testMode
    }

    /// The form fields, repeated keys kept (`to`, `o:tag`).
    public var formFields: [(String, String)] {
        var f: [(String, String)] = [("from", from)]
        for r in to { f.append(("to", r)) }
        f.append(("subject", subject))
        if let text { f.append(("text", text)) }
        if let html { f.append(("html", html)) }
        for t in tags { f.append(("o:tag", t)) }
        for h in headers { f.append(("h:\(h.name)", h.value)) }
        for v in variables { f.append(("v:\(v.name)", v.value)) }
        if testMode { f.append(("o:testmode", "yes")) }
        return f
    }
}

public struct MailgunEventPage: Sendable, Hashable, Codable {
    public var items: [MailgunEvent]
    public var paging: MailgunPaging?
    public init(items: [MailgunEvent], paging: MailgunPaging?) { self.items = items; self.paging = paging }
}
