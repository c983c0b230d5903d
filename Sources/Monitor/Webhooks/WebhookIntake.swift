import Foundation
import Providers
import Sender
import Store

/// `POST /webhooks/mailgun` without HTTP: every check of issue #11 in
/// order, then one transaction (replay token, event by id, effects, and the
/// health rule on the mailbox the event concerns), shared with the other
/// requests of the moment (`FeedbackCommitter`) — all before the verdict, so
/// a 200 means durable and a mailbox over its threshold is already disabled.
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
    let committer: FeedbackCommitter
    /// One line per refusal and per mailbox disabled (stderr in the CLI).
    let log: @Sendable (String) -> Void

    public init(keys: WebhookKeys, store: any SendingStore, fleet: SendingFleet?, settings: Settings = Settings(),
                counters: WebhookCounters = WebhookCounters(), log: @escaping @Sendable (String) -> Void) {
        self.keys = keys; self.store = store; self.settings = settings; self.counters = counters; self.log = log
        // Without a fleet (tests of the intake alone) no health is judged.
        self.committer = FeedbackCommitter(store: store, health: fleet.map(HealthMonitor.init))
    }

    public func handle(body: Data, contentType: String?, now: Double) async -> WebhookVerdict {
        let verdict = await judge(body: body, contentType: contentType, now: now)
        counters.count(verdict)
        switch verdict {
        case .rejected(let r, let detail): log("webhook refused (\(r.status) \(r.rawValue)): \(detail)")
        case .unavailable(let why): log("webhook not stored (503, Mailgun will retry): \(why)")
        case .accepted, .duplicate: break
        }
        return verdict
    }

    private func judge(body: Data, contentType: String?, now: Double) async -> WebhookVerdict {
        let type = (contentType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard type == "application/json" else {
            return .rejected(.wrongContentType, detail: "content type '\(TerminalText.escaped(contentType ?? "none", limit: 60))', expected application/json")
        }
        guard body.count <= settings.maxBodyBytes else {
            return .rejected(.tooLarge, detail: "\(body.count) bytes, the limit is \(settings.maxBodyBytes)")
        }
        let payload: MailgunWebhookBody
        do { payload = try JSONDecoder().decode(MailgunWebhookBody.self, from: body) } catch {
            return .rejected(.malformed, detail: "not a Mailgun JSON webhook (signature and event-data)")
        }
        let event = payload.event
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
        // The token is kept for as long as its signature could still be accepted.
        let submission = FeedbackSubmission(event: FeedbackEvent(event, domain: domain), token: s.token,
                                            tokenExpiresAt: stamp + settings.freshness + settings.futureSkew, now: now)
        let outcome: FeedbackOutcome
        switch await committer.commit(submission) {
        case .success(let o): outcome = o
        case .failure(let error): return .unavailable("\(error)")
        }
        guard case .stored = outcome.result else { return .duplicate }
        if let h = outcome.health, !h.enabled { log("mailbox \(h.address) disabled: \(h.reason ?? "")") }
        return .accepted
    }
}
