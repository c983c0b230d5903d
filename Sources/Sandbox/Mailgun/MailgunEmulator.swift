import Crypto
import DNSRecords
import Foundation
import Hummingbird
import Providers

/// A loopback Mailgun: one region of one account, over real HTTP on 127.0.0.1,
/// behind the shared emulator gate (request counters, server rate limits, seeded
/// faults). Domains verify only from the records really present in the world's
/// `DNSView`. It records sent messages and can emit signed webhooks.
public final class MailgunEmulator: Sendable {
    public let region: MailgunRegion
    public let apiKey: String
    public let signingKey: String
    public let faults: FaultInjector
    public let counters: RequestCounters
    public let limiter: ServerRateLimiter
    public let server: EmulatorServer
    let state: MailgunEmulatorState
    let sendThrottles: Locked<[Int]>
    /// Signed webhook POSTs after sends and `emit`, with Mailgun's retries.
    public let webhooks: MailgunWebhookDispatcher
    /// SMTP submission (STARTTLS, AUTH by the domains' SMTP credentials) on its own port.
    public let smtp: MailgunSMTPServer

    public var url: URL { server.baseURL }

    init(region: MailgunRegion, apiKey: String, signingKey: String, faults: FaultInjector, counters: RequestCounters,
         limiter: ServerRateLimiter, server: EmulatorServer, state: MailgunEmulatorState, sendThrottles: Locked<[Int]>,
         webhooks: MailgunWebhookDispatcher, smtp: MailgunSMTPServer) {
        self.region = region; self.apiKey = apiKey; self.signingKey = signingKey; self.faults = faults
        self.counters = counters; self.limiter = limiter; self.server = server; self.state = state
        self.sendThrottles = sendThrottles
        self.webhooks = webhooks
        self.smtp = smtp
    }

    /// The documented account limit for the Domains and Webhooks APIs: 300/minute (§1.3).
    public static let accountLimits = ServerRateLimits(windows: [RateWindow(limit: 300, seconds: 60)])

    /// `smtpDirectory`: where the SMTP certificate (the client's CA file) is
    /// written; nil: a temporary directory of its own.
    public static func start(region: MailgunRegion, dns: DNSView, apiKey: String, signingKey: String,
                             faults: FaultProfile = .none, seed: UInt64 = 1,
                             limits: ServerRateLimits = .unlimited, port: Int = 0,
                             savedState: Data? = nil, smtpDirectory: String? = nil) async throws -> MailgunEmulator {
        let saved = try savedState.map { try JSONDecoder().decode(MailgunEmulatorState.Persisted.self, from: $0) }
        let state = MailgunEmulatorState(region: region, dns: dns, seed: seed, restoring: saved)
        let injector = FaultInjector(profile: faults, seed: seed)
        let counters = RequestCounters()
        let limiter = ServerRateLimiter(limits: limits)
        let throttles = Locked<[Int]>([])
        let webhooks = MailgunWebhookDispatcher(signingKey: signingKey)
        let routes = MailgunRoutes(state: state, apiKey: apiKey, signingKey: signingKey, region: region, sendThrottles: throttles,
                                   webhooks: webhooks)
        let router = routes.router(gate: EmulatorGate(traits: MailgunRoutes.traits, limiter: limiter, faults: injector, counters: counters))
        let server = try await EmulatorServer.start(name: "mailgun-\(region.rawValue)", router: router, port: port)
        let smtp: MailgunSMTPServer
        do {
            smtp = try await MailgunSMTPServer.start(name: "mailgun-\(region.rawValue)", state: state, webhooks: webhooks,
                                                     directory: smtpDirectory)
        } catch {
            await server.stop()
            throw error
        }
        return MailgunEmulator(region: region, apiKey: apiKey, signingKey: signingKey, faults: injector, counters: counters,
                               limiter: limiter, server: server, state: state, sendThrottles: throttles, webhooks: webhooks, smtp: smtp)
    }

    public func stop() async {
        webhooks.stopped.value = true
        await smtp.stop()
        await server.stop()
    }

    /// Domains (DKIM keys, state, credentials, webhooks, suppressions), routes and id
    /// generators as JSON; `start(savedState:)` restores them. Synchronous so a
    /// world can save from anywhere, even a signal path.
    public func exportState() throws -> Data {
        try SandboxServiceFactory.stateJSON(state.snapshot())
    }

    // MARK: inspection (tests, the sandbox demo)

    public struct RecordedMessage: Sendable {
        public var id: String
        public var domain: String
        public var recipients: [String]
        public var tags: [String]
        public var headers: [String: String]
        public var variables: [String: String]
        public var subject: String?
        /// The message bytes as received (`messages.mime`, SMTP submission); nil for a form send.
        public var mime: String?
    }

    public func sentMessages() async -> [RecordedMessage] {
        await state.messages.map {
            RecordedMessage(id: $0.id, domain: $0.domain, recipients: $0.recipients, tags: $0.tags, headers: $0.headers,
                            variables: $0.variables, subject: $0.fields.first { $0.0 == "subject" }?.1 ?? $0.headers["Subject"],
                            mime: $0.fields.first { $0.0 == "message" }?.1)
        }
    }

    public func domainNames() async -> [String] { await state.domains.keys.sorted() }
    public func domainState(_ name: String) async -> String? { await state.domain(name)?.domain.state }
    /// Mailgun disabling a domain on its own (abuse review, billing): state
    /// `disabled` and `is_disabled`; enabling again re-verifies it from DNS.
    public func setDisabled(_ name: String, _ disabled: Bool) async {
        await state.update(name) { s in
            s.domain.isDisabled = disabled
            if disabled { s.domain.state = "disabled" }
        }
        if !disabled { _ = await state.verify(name) }
    }
    public func credentialLogins(_ domain: String) async -> [String] { await state.domain(domain)?.credentials.keys.sorted() ?? [] }
    /// The password the emulator holds for a login (tests check derived passwords landed).
    public func credentialPassword(_ domain: String, login: String) async -> String? { await state.domain(domain)?.credentials[login.lowercased()] }
    public func webhookTypes(_ domain: String) async -> [String: [String]] { await state.domain(domain)?.webhooks ?? [:] }
    public func routeDescriptions() async -> [String] { await state.routes.map(\.description) }

    /// The next `count` sends are answered with `status` (429 or 420) and a
    /// "try again after 1 seconds" message, as Mailgun's sending throttle does (§1.3).
    public func throttleNextSends(_ count: Int, status: Int = 429) {
        sendThrottles.withValue { $0 += Array(repeating: status, count: count) }
    }

    // MARK: webhooks (Mailgun → a receiver)

    /// Records a bounce, complaint or unsubscribe for `recipient` (adding it to the
    /// matching suppression list, as Mailgun does for hard bounces and complaints)
    /// and POSTs a signed JSON payload to every URL configured for that webhook
    /// type. Returns the HTTP status each URL answered (nil: unreachable).
    @discardableResult
    public func emit(_ type: MailgunWebhookType, domain: String, recipient: String, messageID: String? = nil,
                     now: Date = Date()) async -> [String: Int?] {
        let n = DomainName.normalize(domain)
        let event = Self.event(for: type, recipient: recipient, messageID: messageID, now: now, id: await state.nextID())
        await state.addEvent(event, domain: n)
        let stamp = MailReply.rfc2822(now, zone: "UTC")
        await state.update(n) { s in
            switch type {
            case .permanentFail:
                s.suppressions[.bounces, default: [:]][recipient.lowercased()] =
                    MailgunSuppression(address: recipient, code: "550", error: "5.1.1 mailbox does not exist", createdAt: stamp)
            case .complained:
                s.suppressions[.complaints, default: [:]][recipient.lowercased()] = MailgunSuppression(address: recipient, createdAt: stamp)
            case .unsubscribed:
                s.suppressions[.unsubscribes, default: [:]][recipient.lowercased()] =
                    MailgunSuppression(address: recipient, tags: ["*"], createdAt: stamp)
            default: break
            }
        }
        let urls = await state.domain(n)?.webhooks[type.rawValue] ?? []
        var results: [String: Int?] = [:]
        for u in urls { results[u] = await post(event: event, to: u, now: now) }
        return results
    }

    static func event(for type: MailgunWebhookType, recipient: String, messageID: String?, now: Date, id: String) -> MailgunEvent {
        let headers = MailgunEvent.Message(headers: .init(to: recipient, messageID: messageID.map(MailgunMessageID.bare)))
        let domain = recipient.split(separator: "@").last.map(String.init)
        switch type {
        case .permanentFail:
            return MailgunEvent(event: "failed", id: id, timestamp: now.timeIntervalSince1970, logLevel: "error",
                                severity: "permanent", reason: "bounce", recipient: recipient, recipientDomain: domain,
                                tags: [], userVariables: .values([:]), message: headers,
                                deliveryStatus: .init(code: 550, message: "5.1.1 The email account does not exist",
                                                      description: "", attemptNo: 1, enhancedCode: "5.1.1"))
        case .temporaryFail:
            return MailgunEvent(event: "failed", id: id, timestamp: now.timeIntervalSince1970, logLevel: "warn",
                                severity: "temporary", reason: "generic", recipient: recipient, recipientDomain: domain,
                                message: headers, deliveryStatus: .init(code: 450, message: "Greylisted", retrySeconds: 300))
        default:
            let name = ["complained": "complained", "unsubscribed": "unsubscribed", "delivered": "delivered",
                        "opened": "opened", "clicked": "clicked", "accepted": "accepted"][type.rawValue] ?? type.rawValue
            return MailgunEvent(event: name, id: id, timestamp: now.timeIntervalSince1970, logLevel: "info",
                                recipient: recipient, recipientDomain: domain, tags: [], userVariables: .values([:]), message: headers)
        }
    }

    /// One signed POST, no retry (the caller reads the status).
    func post(event: MailgunEvent, to url: String, now: Date) async -> Int? {
        await webhooks.post(event: event, to: url, now: now)
    }

    /// Every webhook POST goes to `base` (`http://127.0.0.1:PORT`) with the
    /// registered path, instead of the registered host; nil restores it.
    public func redirectWebhooks(to base: String?) { webhooks.redirect.value = base }
}
