/// `event-data` of webhooks and items of the Events API (mail-platforms.md §1.10 table).
/// Only `event`, `id` and `timestamp` are always present; everything else is optional.
public struct MailgunEvent: Sendable, Hashable, Codable {
    public var event: String
    public var id: String
    /// Float epoch seconds (`1534108637.153125`).
    public var timestamp: Double
    public var logLevel: String?
    public var severity: String?
    public var reason: String?
    public var recipient: String?
    public var recipientDomain: String?
    public var tags: [String]?
    public var userVariables: MailgunUserVariables?
    public var message: Message?
    public var deliveryStatus: DeliveryStatus?
    public var flags: [String: MailgunJSON]?
    public var envelope: [String: MailgunJSON]?

    public init(event: String, id: String, timestamp: Double, logLevel: String? = nil, severity: String? = nil,
                reason: String? = nil, recipient: String? = nil, recipientDomain: String? = nil, tags: [String]? = nil,
                userVariables: MailgunUserVariables? = nil, message: Message? = nil, deliveryStatus: DeliveryStatus? = nil,
                flags: [String: MailgunJSON]? = nil, envelope: [String: MailgunJSON]? = nil) {
        self.event = event; self.id = id; self.timestamp = timestamp; self.logLevel = logLevel
        self.severity = severity; self.reason = reason; self.recipient = recipient
        self.recipientDomain = recipientDomain; self.tags = tags; self.userVariables = userVariables
        self.message = message; self.deliveryStatus = deliveryStatus; self.flags = flags; self.envelope = envelope
    }

    public struct Message: Sendable, Hashable, Codable {
        public var headers: Headers?
        public var size: Int?
        public init(headers: Headers?, size: Int? = nil) { self.headers = headers; self.size = size }
    }

    /// `message-id` here has **no** angle brackets (§1.15 #6).
    public struct Headers: Sendable, Hashable, Codable {
        public var to: String?
        public var from: String?
        public var subject: String?
        public var messageID: String?
        public init(to: String? = nil, from: String? = nil, subject: String? = nil, messageID: String?) {
            self.to = to; self.from = from; self.subject = subject; self.messageID = messageID
        }
        enum CodingKeys: String, CodingKey { case to, from, subject; case messageID = "message-id" }
    }

    public struct DeliveryStatus: Sendable, Hashable, Codable {
        /// SMTP code or Mailgun pseudo-code (605, 607, 498 …).
        public var code: Int?
        public var message: String?
        public var description: String?
        public var attemptNo: Int?
        public var retrySeconds: Int?
        public var enhancedCode: String?
        public var mxHost: String?
        public init(code: Int?, message: String? = nil, description: String? = nil, attemptNo: Int? = nil,
                    retrySeconds: Int? = nil, enhancedCode: String? = nil, mxHost: String? = nil) {
            self.code = code; self.message = message; self.description = description; self.attemptNo = attemptNo
            self.retrySeconds = retrySeconds; self.enhancedCode = enhancedCode; self.mxHost = mxHost
        }
        enum CodingKeys: String, CodingKey {
            case code, message, description
            case attemptNo = "attempt-no"
            case retrySeconds = "retry-seconds"
            case enhancedCode = "enhanced-code"
            case mxHost = "mx-host"
        }
    }

    enum CodingKeys: String, CodingKey {
        case event, id, timestamp, severity, reason, recipient, tags, message, flags, envelope
        case logLevel = "log-level"
        case recipientDomain = "recipient-domain"
        case userVariables = "user-variables"
        case deliveryStatus = "delivery-status"
    }

    /// What the reconciler does with the event (§1.10 "Classification rules").
    public var classification: MailgunEventClass {
        switch event {
        case "complained": return .complaint
        case "unsubscribed": return .unsubscribe
        case "delivered": return .delivered
        case "failed":
            let r = (reason ?? "").lowercased()
            if severity == "permanent" {
                return r.hasPrefix("suppress-") ? .alreadySuppressed : .hardBounce
            }
            // The last retry of an unreachable domain arrives as temporary + `old`: a final drop.
            return r == "old" ? .finalDrop : .softFailure
        default: return .other
        }
    }
}

public enum MailgunEventClass: String, Sendable, Hashable {
    case delivered, hardBounce, alreadySuppressed, softFailure, finalDrop, complaint, unsubscribe, other
}

/// The JSON body Mailgun POSTs to a webhook URL.
public struct MailgunWebhookPayload: Sendable, Hashable, Codable {
    public var signature: MailgunWebhookSignature
    public var eventData: MailgunEvent
    public init(signature: MailgunWebhookSignature, eventData: MailgunEvent) {
        self.signature = signature; self.eventData = eventData
    }
    enum CodingKeys: String, CodingKey { case signature; case eventData = "event-data" }
}

/// `timestamp` is a JSON **string**; it is kept verbatim because the HMAC covers its exact text.
public struct MailgunWebhookSignature: Sendable, Hashable, Codable {
    public var token: String
    public var timestamp: String
    public var signature: String
    public var parentSignature: String?
    public init(token: String, timestamp: String, signature: String, parentSignature: String? = nil) {
        self.token = token; self.timestamp = timestamp; self.signature = signature; self.parentSignature = parentSignature
    }
    enum CodingKeys: String, CodingKey { case token, timestamp, signature; case parentSignature = "parent-signature" }
}
