/// Wire shapes of the Domains API (mail-platforms.md §1.4), shared by the
/// client and the emulator. Fields that the recordings sometimes omit are optional.

public struct MailgunDomain: Sendable, Hashable, Codable {
    public var name: String
    public var id: String?
    public var state: String
    public var type: String?
    public var createdAt: String?
    public var isDisabled: Bool?
    public var requireTLS: Bool?
    public var skipVerification: Bool?
    /// Empty (`""`) in the 2025 verify recording — never rely on it.
    public var smtpLogin: String?
    public var spamAction: String?
    public var useAutomaticSenderSecurity: Bool?
    public var webPrefix: String?
    public var webScheme: String?
    public var wildcard: Bool?
    public var encryptIncomingMessage: Bool?
    public var messageTTL: Int?

    public init(name: String, id: String? = nil, state: String, type: String? = "custom", createdAt: String? = nil,
                isDisabled: Bool? = false, requireTLS: Bool? = false, skipVerification: Bool? = false,
                smtpLogin: String? = nil, spamAction: String? = "disabled", useAutomaticSenderSecurity: Bool? = false,
                webPrefix: String? = "email", webScheme: String? = "http", wildcard: Bool? = false,
                encryptIncomingMessage: Bool? = nil, messageTTL: Int? = nil) {
        self.name = name; self.id = id; self.state = state; self.type = type; self.createdAt = createdAt
        self.isDisabled = isDisabled; self.requireTLS = requireTLS; self.skipVerification = skipVerification
        self.smtpLogin = smtpLogin; self.spamAction = spamAction
        self.useAutomaticSenderSecurity = useAutomaticSenderSecurity; self.webPrefix = webPrefix
        self.webScheme = webScheme; self.wildcard = wildcard
        self.encryptIncomingMessage = encryptIncomingMessage; self.messageTTL = messageTTL
    }

    /// `active` is the only state in which the domain sends; compared without case.
    public var isActive: Bool { state.lowercased() == "active" }

    enum CodingKeys: String, CodingKey {
        case name, id, state, type, wildcard
        case createdAt = "created_at"
        case isDisabled = "is_disabled"
        case requireTLS = "require_tls"
        case skipVerification = "skip_verification"
        case smtpLogin = "smtp_login"
        case spamAction = "spam_action"
        case useAutomaticSenderSecurity = "use_automatic_sender_security"
        case webPrefix = "web_prefix"
        case webScheme = "web_scheme"
        case encryptIncomingMessage = "encrypt_incoming_message"
        case messageTTL = "message_ttl"
    }
}

/// One required DNS record as Mailgun reports it. `name` has no trailing dot and
/// is absent on MX records; `priority` is a string; `valid` is lower- or upper-case.
public struct MailgunDNSRecord: Sendable, Hashable, Codable {
    public var recordType: String
    public var name: String?
    public var value: String
    public var priority: LooseString?
    public var valid: String?
    public var isActive: Bool?
    public var cached: [String]?

    public init(recordType: String, name: String?, value: String, priority: LooseString? = nil,
                valid: String? = "unknown", isActive: Bool? = nil, cached: [String]? = []) {
        self.recordType = recordType; self.name = name; self.value = value; self.priority = priority
        self.valid = valid; self.isActive = isActive; self.cached = cached
    }

    public var isValid: Bool { valid?.lowercased() == "valid" }

    /// The DKIM selector when this is a DKIM record (`<selector>._domainkey.<domain>`), never hard-coded (§1.5).
    public var dkimSelector: String? {
        guard let name, let r = name.lowercased().range(of: "._domainkey.") else { return nil }
        let sel = name[name.startIndex..<r.lowerBound]
        return sel.isEmpty ? nil : String(sel)
    }

    enum CodingKeys: String, CodingKey {
        case name, value, priority, valid, cached
        case recordType = "record_type"
        case isActive = "is_active"
    }
}

/// Body of create / get / update / verify: the domain and both record sets.
/// `message` is absent on GET.
public struct MailgunDomainResponse: Sendable, Hashable, Codable {
    public var message: String?
    public var domain: MailgunDomain
    public var receivingDNSRecords: [MailgunDNSRecord]?
    public var sendingDNSRecords: [MailgunDNSRecord]?

    public init(message: String?, domain: MailgunDomain, receivingDNSRecords: [MailgunDNSRecord]?, sendingDNSRecords: [MailgunDNSRecord]?) {
        self.message = message; self.domain = domain
        self.receivingDNSRecords = receivingDNSRecords; self.sendingDNSRecords = sendingDNSRecords
    }

    enum CodingKeys: String, CodingKey {
        case message, domain
        case receivingDNSRecords = "receiving_dns_records"
        case sendingDNSRecords = "sending_dns_records"
    }
}

public struct MailgunDomainList: Sendable, Hashable, Codable {
    public var totalCount: Int
    public var items: [MailgunDomain]
    public init(totalCount: Int, items: [MailgunDomain]) { self.totalCount = totalCount; self.items = items }
    enum CodingKeys: String, CodingKey { case items; case totalCount = "total_count" }
}

/// `{"message": "..."}` — the answer of most writes, and the common error shape.
public struct MailgunMessage: Sendable, Hashable, Codable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
