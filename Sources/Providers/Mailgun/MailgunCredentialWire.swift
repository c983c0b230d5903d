/// SMTP credentials wire shapes (mail-platforms.md §1.7).

public struct MailgunCredential: Sendable, Hashable, Codable {
    public var login: String
    public var mailbox: String?
    public var createdAt: String?
    public var sizeBytes: Int?

    public init(login: String, mailbox: String?, createdAt: String?, sizeBytes: Int? = nil) {
        self.login = login; self.mailbox = mailbox; self.createdAt = createdAt; self.sizeBytes = sizeBytes
    }

    enum CodingKeys: String, CodingKey {
        case login, mailbox
        case createdAt = "created_at"
        case sizeBytes = "size_bytes"
    }
}

public struct MailgunCredentialList: Sendable, Hashable, Codable {
    public var totalCount: Int
    public var items: [MailgunCredential]
    public init(totalCount: Int, items: [MailgunCredential]) { self.totalCount = totalCount; self.items = items }
    enum CodingKeys: String, CodingKey { case items; case totalCount = "total_count" }
}

/// Answer of create and change-password. When Mailgun generated the password
/// (none was sent), `credentials` holds it — shown once, never logged.
public struct MailgunCredentialWriteResponse: Sendable, Hashable, Codable {
    public var message: String
    public var note: String?
    public var credentials: [String: String]?
    public var spec: String?
    public init(message: String, note: String? = nil, credentials: [String: String]? = nil, spec: String? = nil) {
        self.message = message; self.note = note; self.credentials = credentials; self.spec = spec
    }
}
