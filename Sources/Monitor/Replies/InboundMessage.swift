import Foundation

/// What the reply poller reads of an INBOX message: the headers that tie it
/// to a message we sent and the ones that mark it as automatic.
public struct InboundMessage: Sendable, Equatable {
    /// Message-IDs this message answers (`In-Reply-To` first, then `References`), without angle brackets.
    public var answers: [String]
    /// An auto-reply (out of office, vacation, autoresponder): recorded, never a reply.
    public var automatic: Bool
    /// The message's own Message-ID, bare (Mailgun's forwards are idempotent on it).
    public var messageID: String?

    /// The header fields to fetch over IMAP for `parse`.
    public static let fields = ["IN-REPLY-TO", "REFERENCES", "AUTO-SUBMITTED", "X-AUTOREPLY", "X-AUTORESPOND",
                                "X-AUTORESPONDER", "PRECEDENCE", "X-PRECEDENCE", "SUBJECT"]

    public init(answers: [String], automatic: Bool, messageID: String? = nil) {
        self.answers = answers
        self.automatic = automatic
        self.messageID = messageID
    }

    /// Parses raw header text (folded lines allowed). Unknown or malformed
    /// fields are ignored: a message we cannot tie to a send is simply not a reply.
    public static func parse(_ text: String) -> InboundMessage {
        var fields: [(name: String, value: String)] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let l = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if let first = l.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + l.trimmingCharacters(in: .whitespaces)
            } else if let colon = l.firstIndex(of: ":") {
                fields.append((l[..<colon].lowercased().trimmingCharacters(in: .whitespaces),
                               l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        func values(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }
        let answers = (values("in-reply-to") + values("references")).flatMap(messageIDs)
        var unique: [String] = []
        for id in answers where !unique.contains(id) { unique.append(id) }
        return InboundMessage(answers: unique, automatic: isAutomatic(values), messageID: values("message-id").flatMap(messageIDs).first)
    }

    /// `<a@b> <c@d>` → `["a@b", "c@d"]`.
    static func messageIDs(_ value: String) -> [String] {
        var out: [String] = []
        var rest = value[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close]
            if !id.isEmpty, id.contains("@") { out.append(String(id)) }
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// RFC 3834 `Auto-Submitted` other than `no`, the common vendor markers, and
    /// the out-of-office subjects of servers that set neither.
    static func isAutomatic(_ values: (String) -> [String]) -> Bool {
        if values("auto-submitted").contains(where: { $0.lowercased().split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } != "no" }) {
            return true
        }
        if !(values("x-autoreply") + values("x-autorespond") + values("x-autoresponder")).isEmpty { return true }
        if (values("precedence") + values("x-precedence")).contains(where: { ["auto_reply", "bulk", "junk", "list"].contains($0.lowercased()) }) {
            return true
        }
        let subject = values("subject").first?.lowercased() ?? ""
        return ["out of office", "automatic reply", "auto-reply", "autoreply", "abwesenheitsnotiz", "réponse automatique"]
            .contains { subject.hasPrefix($0) }
    }
}

extension InboundMessage {
    /// A Mailgun Routes `forward()` POST: the headers arrive as `message-headers`,
    /// a JSON list of `[name, value]` pairs (mail-platforms.md, Routes).
    public static func parse(routeHeaders json: String) -> InboundMessage {
        guard let data = json.data(using: .utf8),
              let list = try? JSONSerialization.jsonObject(with: data) as? [[Any]] else { return InboundMessage(answers: [], automatic: false) }
        let text = list.compactMap { pair -> String? in
            guard pair.count == 2, let name = pair[0] as? String, let value = pair[1] as? String,
                  !name.contains(where: { $0.isNewline || $0 == ":" }) else { return nil }
            return "\(name): \(value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " "))"
        }.joined(separator: "\n")
        return parse(text)
    }
}
