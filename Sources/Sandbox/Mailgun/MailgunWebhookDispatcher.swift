import Crypto
import Foundation
import Providers

/// Mailgun telling a domain's webhooks what became of a message: signed as
/// documented, POSTed after a short delay, and retried until answered 200 or
/// 406 (Mailgun retries for about 8 hours; the sandbox compresses the
/// schedule to seconds). `redirect` sends every POST to a local base URL
/// instead of the registered host (the registered path is kept), so
/// `serve --sandbox` hears the webhooks `apply` registered at the public URL.
public final class MailgunWebhookDispatcher: Sendable {
    let signingKey: String
    /// Before the first POST of an event.
    let delay: Double
    /// Between retries; the last one repeats until `maxAttempts`.
    let retryDelays: [Double]
    let maxAttempts: Int
    let redirect = Locked<String?>(nil)
    /// Set when the emulator stops: pending deliveries are abandoned, not retried into the void.
    let stopped = Locked(false)
    private let tally = Locked(Counts())
    private let http = CurlHTTPTransport()

    public struct Counts: Sendable, Equatable {
        /// Events scheduled, POSTs made, events answered 200 (or 406), events abandoned.
        public var scheduled = 0, attempts = 0, acknowledged = 0, abandoned = 0
        public var inFlight: Int { scheduled - acknowledged - abandoned }
    }

    public init(signingKey: String, delay: Double = 0.2, retryDelays: [Double] = [0.5, 1, 2, 3, 5], maxAttempts: Int = 120) {
        self.signingKey = signingKey; self.delay = delay; self.retryDelays = retryDelays; self.maxAttempts = maxAttempts
    }

    public var counts: Counts { tally.value }

    /// Delivers `event` to each of `urls` in the background.
    func schedule(_ event: MailgunEvent, to urls: [String]) {
        for url in urls {
            tally.withValue { $0.scheduled += 1 }
            Task.detached { [self] in
                try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                for attempt in 0..<maxAttempts where !stopped.value {
                    let status = await post(event: event, to: url, now: Date())
                    tally.withValue { $0.attempts += 1 }
                    if status == 200 || status == 406 {
                        tally.withValue { $0.acknowledged += 1 }
                        return
                    }
                    let wait = retryDelays[min(attempt, retryDelays.count - 1)]
                    try? await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                }
                tally.withValue { $0.abandoned += 1 }
            }
        }
    }

    /// One signed POST; the HTTP status, nil when unreachable. Signed as
    /// documented: hex(HMAC-SHA256(signing key, timestamp + token)), the
    /// timestamp a string of integer seconds, a fresh token per POST.
    func post(event: MailgunEvent, to url: String, now: Date) async -> Int? {
        let payload = MailgunWebhookPayload(signature: Self.sign(key: signingKey, now: now), eventData: event)
        guard let target = URL(string: target(url)), let body = try? JSONEncoder().encode(payload) else { return nil }
        return await status(of: ProviderRequest(url: target, headers: ["Content-Type": "application/json"], body: body,
                                                timeout: 10, idempotent: false))
    }

    /// The status a POST was answered with; nil when there was no answer.
    func status(of request: ProviderRequest) async -> Int? {
        try? await http.send(request).status
    }

    public static func sign(key: String, now: Date) -> MailgunWebhookSignature {
        let timestamp = String(Int(now.timeIntervalSince1970))
        let token = (0..<25).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + token).utf8), using: SymmetricKey(data: Data(key.utf8)))
        return MailgunWebhookSignature(token: token, timestamp: timestamp, signature: mac.map { String(format: "%02x", $0) }.joined())
    }

    func target(_ url: String) -> String {
        guard let base = redirect.value, let u = URLComponents(string: url) else { return url }
        return base + u.percentEncodedPath + (u.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}

extension MailgunWebhookDispatcher {
    /// What the sandbox's Mailgun makes of a recipient (issue #11): local parts
    /// starting `bounce` hard-bounce, `complain` are delivered then complain,
    /// `defer` fail temporarily; everyone else is delivered.
    enum Fate { case delivered, bounce, complain, deferral }

    static func fate(of recipient: String) -> Fate {
        var r = Substring(recipient.lowercased())
        if let lt = r.lastIndex(of: "<") { r = r[r.index(after: lt)...] }
        if r.hasPrefix("bounce") { return .bounce }
        if r.hasPrefix("complain") { return .complain }
        if r.hasPrefix("defer") { return .deferral }
        return .delivered
    }
}
