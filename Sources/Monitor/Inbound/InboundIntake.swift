import Foundation
import Inventory
import Providers
import Store

/// `POST /inbound/mailgun` without HTTP: a Routes `forward()` POST
/// (mail-platforms.md §1.10, form-encoded with `timestamp`, `token`,
/// `signature` beside the message) for a mailbox of an `inbound:
/// mailgun-routing` domain. Checked like a webhook — content type, size,
/// the signature with the key of the account that owns the recipient's
/// domain, freshness, a spent token — then recorded like a reply read over
/// IMAP: a `reply` stops the recipient's `stop_on: reply` steps, an
/// auto-reply is recorded only. Idempotent on the reply's own Message-ID.
public struct InboundIntake: Sendable {
    /// Replies carry attachments: Mailgun accepts messages up to 25 MB.
    public static let defaultMaxBodyBytes = 32 * 1024 * 1024

    public let keys: WebhookKeys
    public let store: any ReplyStore
    /// The webhooks' freshness and skew; `maxBodyBytes` for whole messages.
    public let settings: WebhookIntake.Settings
    /// Shared with the webhooks: `/metrics` and the reject-spike condition count both.
    public let counters: WebhookCounters
    let log: @Sendable (String) -> Void

    public init(keys: WebhookKeys, store: any ReplyStore,
                settings: WebhookIntake.Settings = .init(maxBodyBytes: InboundIntake.defaultMaxBodyBytes),
                counters: WebhookCounters = WebhookCounters(), log: @escaping @Sendable (String) -> Void) {
        self.keys = keys; self.store = store; self.settings = settings; self.counters = counters; self.log = log
    }

    /// `body` nil: it was larger than `settings.maxBodyBytes` and was not read on.
    public func handle(body: Data?, contentType: String?, now: Double) -> WebhookVerdict {
        let verdict = judge(body: body, contentType: contentType, now: now)
        counters.count(verdict)
        switch verdict {
        case .rejected(let r, let detail): log("inbound refused (\(r.status) \(r.rawValue)): \(detail)")
        case .unavailable(let why): log("inbound reply not stored (503, Mailgun will retry): \(why)")
        case .accepted, .duplicate: break
        }
        return verdict
    }

    private func judge(body: Data?, contentType: String?, now: Double) -> WebhookVerdict {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "multipart/form-data" || type == "application/x-www-form-urlencoded" else {
            return .rejected(.wrongContentType, detail: "content type '\(TerminalText.escaped(contentType ?? "none", limit: 60))', expected a form")
        }
        guard let body else { return .rejected(.tooLarge, detail: "over \(settings.maxBodyBytes) bytes") }
        var form: [String: String] = [:]
        for (k, v) in MailgunFormDecoding.pairs(body: body, contentType: contentType ?? "") where form[k] == nil { form[k] = v }
        guard let timestamp = form["timestamp"], let token = form["token"], let signature = form["signature"],
              let recipients = form["recipient"] else {
            return .rejected(.malformed, detail: "not a Mailgun Routes forward (timestamp, token, signature, recipient)")
        }
        // `recipient` may list several addresses; the first of the fleet names the mailbox and the key.
        let candidates = recipients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let (mailbox, verifier) = candidates.lazy.compactMap({ address -> (String, MailgunWebhookVerifier)? in
            guard let at = address.lastIndex(of: "@") else { return nil }
            return keys.verifier(for: String(address[address.index(after: at)...])).map { (address, $0) }
        }).first else {
            return .rejected(.unknownDomain, detail: "recipient '\(TerminalText.escaped(recipients, limit: 80))' is no domain of the fleet")
        }
        guard verifier.isAuthentic(timestamp: timestamp, token: token, signature: signature) else {
            return .rejected(.badSignature, detail: "signature does not verify with the key of \(mailbox)'s domain")
        }
        guard let stamp = Double(timestamp), stamp.isFinite else {
            return .rejected(.badSignature, detail: "signature timestamp is not a number")
        }
        if now - stamp > settings.freshness {
            return .rejected(.stale, detail: "signed \(Int(now - stamp)) s ago, the window is \(Int(settings.freshness)) s")
        }
        if stamp - now > settings.futureSkew {
            return .rejected(.future, detail: "signed \(Int(stamp - now)) s in the future")
        }
        let message = InboundMessage.parse(routeHeaders: form["message-headers"] ?? "[]")
        let answer = InboundAnswer(messageIDs: message.answers, automatic: message.automatic, at: now)
        let result: RoutedReplyResult
        do {
            result = try store.recordRouted(mailbox: mailbox, answer: answer, messageID: message.messageID, token: token,
                                            tokenExpiresAt: stamp + settings.freshness + settings.futureSkew, now: now)
        } catch {
            return .unavailable("\(error)")
        }
        guard case .recorded(let report) = result else { return .duplicate }
        if report.replies + report.autoReplies > 0 {
            log("replies: \(mailbox): \(report.replies == 1 ? "a reply" : "an automatic reply") via Mailgun's route")
        }
        return .accepted
    }
}

extension WebhookKeys {
    /// The keys of `domains` only: `/inbound/mailgun` hears the mailboxes of
    /// `inbound: mailgun-routing` domains, nobody else's.
    public func only(_ domains: some Sequence<String>) -> WebhookKeys {
        let wanted = Set(domains.map(Self.normalize))
        return WebhookKeys(verifiers: byDomain.filter { wanted.contains($0.key) })
    }

    init(verifiers: [String: MailgunWebhookVerifier]) {
        byDomain = verifiers
        unverifiable = []
    }

    /// The domains whose replies Mailgun's routes forward to `serve`.
    public static func routedDomains(of inventory: Inventory) -> [String] {
        inventory.groups.flatMap(\.domains).filter {
            if case .mailgunRouting = inventory.effectiveInbound(for: $0) { true } else { false }
        }.map(\.name)
    }
}
