import Providers

/// A webhook body as the intake reads it: the signature as received, and
/// of `event-data` only what becomes the stored event
/// (`FeedbackEvent(_:domain:)`) or names its sending domain
/// (`sendingDomainCandidates`). Decoding all of `MailgunEvent` — `flags`,
/// `envelope`, `user-variables` and `tags` as free-form JSON, where each
/// string value is found by two type errors thrown and caught — cost more
/// than the rest of the request. Unread fields are skipped, not checked.
struct MailgunWebhookBody: Decodable {
    /// Decoded as in `MailgunWebhookPayload`: the HMAC covers its timestamp and token verbatim.
    var signature: MailgunWebhookSignature
    var event: MailgunEvent

    private enum Keys: String, CodingKey { case signature, eventData = "event-data" }
    private enum EventKeys: String, CodingKey {
        case event, id, timestamp, severity, reason, recipient, message, envelope, deliveryStatus = "delivery-status"
    }
    private enum EnvelopeKeys: String, CodingKey { case sender }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        signature = try c.decode(MailgunWebhookSignature.self, forKey: .signature)
        let e = try c.nestedContainer(keyedBy: EventKeys.self, forKey: .eventData)
        var envelope: [String: MailgunJSON]?
        if e.contains(.envelope), try !e.decodeNil(forKey: .envelope) {
            // Only a string sender names a domain; anything else there is ignored, as in `MailgunEvent`.
            let fields = try e.nestedContainer(keyedBy: EnvelopeKeys.self, forKey: .envelope)
            envelope = (try? fields.decodeIfPresent(String.self, forKey: .sender)).map { ["sender": .string($0)] } ?? [:]
        }
        event = MailgunEvent(event: try e.decode(String.self, forKey: .event), id: try e.decode(String.self, forKey: .id),
                             timestamp: try e.decode(Double.self, forKey: .timestamp),
                             severity: try e.decodeIfPresent(String.self, forKey: .severity),
                             reason: try e.decodeIfPresent(String.self, forKey: .reason),
                             recipient: try e.decodeIfPresent(String.self, forKey: .recipient),
                             message: try e.decodeIfPresent(MailgunEvent.Message.self, forKey: .message),
                             deliveryStatus: try e.decodeIfPresent(MailgunEvent.DeliveryStatus.self, forKey: .deliveryStatus),
                             envelope: envelope)
    }
}
