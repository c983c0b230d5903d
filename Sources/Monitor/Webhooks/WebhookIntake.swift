import Foundation
import Providers
import Sender
import Store

/// `POST /webhooks/mailgun` without HTTP: every check of issue #11 in
/// order, then one transaction (replay token, event by id, effects), then
/// the health rule — all before the verdict, so a 200 means durable and a
/// mailbox over its threshold is already disabled.
public struct WebhookIntake: Sendable {
    public struct Settings: Sendable {
        /// Larger bodies are refused unread (real events are a few kB).
        public var maxBodyBytes: Int
        /// How old a signature may be. Mailgun retries for about 8 hours and
        /// whether a retry is re-signed is unverified, so the default covers it.
        public var freshness: Double
        /// Clock skew tolerated for timestamps ahead of ours.
        public var futureSkew: Double

        public init(maxBodyBytes: Int = 64 * 1024, freshness: Double = 9 * 3600, futureSkew: Double = 300) {
            self.maxBodyBytes = maxBodyBytes; self.freshness = freshness; self.futureSkew = futureSkew
        }
    }

    public let keys: WebhookKeys
    public let store: any SendingStore
    public let settings: Settings
    public let counters: WebhookCounters
    /// Nil: no fleet to judge health against (tests of the intake alone).
    let health: HealthGate?
    /// One line per refusal and per mailbox disabled (stderr in the CLI).
    let log: @Sendable (String) -> Void

    public init(keys: WebhookKeys, store: any SendingStore, fleet: SendingFleet?, settings: Settings = Settings(),
                counters: WebhookCounters = WebhookCounters(), log: @escaping @Sendable (String) -> Void) {
        self.keys = keys; self.store = store; self.settings = settings; self.counters = counters; self.log = log
        self.health = fleet.map { HealthGate(monitor: HealthMonitor(fleet: $0)) }
    }

    public func handle(body: Data, contentType: String?, now: Double) -> WebhookVerdict {
        let verdict = judge(body: body, contentType: contentType, now: now)
        counters.count(verdict)
        switch verdict {
        case .rejected(let r, let detail): log("webhook refused (\(r.status) \(r.rawValue)): \(detail)")
        case .unavailable(let why): log("webhook not stored (503, Mailgun will retry): \(why)")
        case .accepted, .duplicate: break
        }
        return verdict
    }

    private func judge(body: Data, contentType: String?, now: Double) -> WebhookVerdict {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" else {
            return .rejected(.wrongContentType, detail: "content type '\(TerminalText.escaped(contentType ?? "none", limit: 60))', expected application/json")
        }
        guard body.count <= settings.maxBodyBytes else {
            return .rejected(.tooLarge, detail: "\(body.count) bytes, the limit is \(settings.maxBodyBytes)")
        }
        let payload: MailgunWebhookPayload
        do { payload = try JSONDecoder().decode(MailgunWebhookPayload.self, from: body) } catch {
            return .rejected(.malformed, detail: "not a Mailgun JSON webhook (signature and event-data)")
        }
        let event = payload.eventData
        guard let (domain, verifier) = event.sendingDomainCandidates.lazy
            .compactMap({ d in keys.verifier(for: d).map { (d, $0) } }).first else {
            let named = event.sendingDomainCandidates.first.map { "'\(TerminalText.escaped($0, limit: 80))'" } ?? "none"
            return .rejected(.unknownDomain, detail: "event \(TerminalText.escaped(event.id, limit: 40)) names no domain of the fleet (\(named))")
        }
        let s = payload.signature
        guard verifier.isAuthentic(s) else {
            return .rejected(.badSignature, detail: "signature does not verify with the key of \(domain)")
        }
        guard let stamp = Double(s.timestamp), stamp.isFinite else {
            return .rejected(.badSignature, detail: "signature timestamp is not a number")
        }
        if now - stamp > settings.freshness {
            return .rejected(.stale, detail: "signed \(Int(now - stamp)) s ago, the window is \(Int(settings.freshness)) s")
        }
        if stamp - now > settings.futureSkew {
            return .rejected(.future, detail: "signed \(Int(stamp - now)) s in the future")
        }
        let feedback = FeedbackEvent(event, domain: domain)
        let result: FeedbackResult
        do {
            // The token is kept for as long as its signature could still be accepted.
            result = try store.recordFeedback(feedback, token: s.token, tokenExpiresAt: stamp + settings.freshness + settings.futureSkew, now: now)
        } catch {
            return .unavailable("\(error)")
        }
        guard case .stored(let mailbox, _) = result else { return .duplicate }
        if let mailbox, let health, feedback.effect == .hardBounce || feedback.effect == .complaint {
            do {
                for h in try health.evaluate(store: store, now: now) where !h.enabled && h.address == mailbox {
                    log("mailbox \(h.address) disabled: \(h.reason ?? "")")
                }
            } catch {
                // The event is durable; the sender's own health pass will catch up.
                log("health check after webhook failed: \(error)")
            }
        }
        return .accepted
    }
}

/// Health evaluations one at a time, so two webhooks crossing the threshold
/// together record one `alert.mailbox_disabled`, not two.
final class HealthGate: @unchecked Sendable {
    private let lock = NSLock()
    let monitor: HealthMonitor
    init(monitor: HealthMonitor) { self.monitor = monitor }

    func evaluate(store: any SendingStore, now: Double) throws -> [MailboxHealthRecord] {
        try lock.withLock { try monitor.evaluate(store: store, now: now) }
    }
}
