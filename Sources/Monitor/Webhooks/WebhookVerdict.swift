/// Why a webhook was refused. Each maps to a 4xx: Mailgun stops retrying on
/// 406, so what can never become valid gets 406; the others a plain 4xx.
public enum WebhookRejection: String, Sendable, CaseIterable, Equatable {
    case wrongContentType = "wrong_content_type"
    case tooLarge = "too_large"
    case malformed
    case unknownDomain = "unknown_domain"
    case badSignature = "bad_signature"
    case stale
    case future

    public var status: Int {
        switch self {
        case .wrongContentType: 415
        case .tooLarge: 413
        case .malformed: 400
        case .unknownDomain, .badSignature, .stale, .future: 406
        }
    }
}

/// What the intake did with one POST.
public enum WebhookVerdict: Sendable, Equatable {
    /// New and durable (committed) with its effects: 200.
    case accepted
    /// Authentic, but its token or event id was seen before: 200, nothing done.
    case duplicate
    case rejected(WebhookRejection, detail: String)
    /// The store could not commit: Mailgun must retry (503).
    case unavailable(String)

    public var status: Int {
        switch self {
        case .accepted, .duplicate: 200
        case .rejected(let r, _): r.status
        case .unavailable: 503
        }
    }
}
