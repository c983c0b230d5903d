import Providers
import Store

/// A Mailgun event as feedback for the store: its effect (mail-platforms.md
/// §1.10 classification), and the sending domains it may belong to.
extension FeedbackEvent {
    init(_ e: MailgunEvent, domain: String) {
        let effect: Effect
        switch e.classification {
        case .hardBounce: effect = .hardBounce
        case .softFailure: effect = .deferral
        case .complaint: effect = .complaint
        case .unsubscribe: effect = .unsubscribe
        case .delivered: effect = .delivered
        // Already-suppressed drops and final drops of a dead domain are stored, not counted as bounces.
        case .alreadySuppressed, .finalDrop: effect = .none
        case .other: effect = e.event == "opened" ? .opened : e.event == "clicked" ? .clicked : .none
        }
        var detail = [e.severity, e.reason].compactMap { $0 }.joined(separator: " ")
        if let s = e.deliveryStatus {
            let text = [s.code.map(String.init), s.enhancedCode, s.message].compactMap { $0 }.joined(separator: " ")
            if !text.isEmpty { detail += (detail.isEmpty ? "" : ": ") + text }
        }
        self.init(eventID: e.id, event: e.event, effect: effect, email: e.recipient,
                  messageID: e.message?.headers?.messageID.map { "<\(MailgunMessageID.bare($0))>" },
                  domain: domain, at: e.timestamp, detail: String(detail.prefix(500)))
    }
}

extension MailgunEvent {
    /// Where the event says it was sent from, most reliable first: the
    /// envelope sender, the From header, the Message-ID's right-hand side
    /// (ours are `<token@sending-domain>`).
    var sendingDomainCandidates: [String] {
        var out: [String] = []
        if case .string(let sender)? = envelope?["sender"] { out.append(sender) }
        if let from = message?.headers?.from { out.append(from) }
        if let id = message?.headers?.messageID { out.append(MailgunMessageID.bare(id)) }
        return out.compactMap { text in
            var s = Substring(text)
            if let lt = s.lastIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt { s = s[s.index(after: lt)..<gt] }
            guard let at = s.lastIndex(of: "@") else { return nil }
            let d = s[s.index(after: at)...]
            return d.isEmpty ? nil : String(d)
        }
    }
}
