/// Suppression lists wire shapes (mail-platforms.md §1.12). Per domain, alphabetical.

public enum MailgunSuppressionList: String, Sendable, Hashable, Codable, CaseIterable {
    case bounces, complaints, unsubscribes
}

/// One item of any of the three lists: bounces carry `code` (a string) and
/// `error`; unsubscribes carry `tags` (`"*"` = all).
public struct MailgunSuppression: Sendable, Hashable, Codable {
    public var address: String
    public var code: LooseString?
    public var error: String?
    public var tags: [String]?
    public var createdAt: String?

    public init(address: String, code: LooseString? = nil, error: String? = nil, tags: [String]? = nil, createdAt: String? = nil) {
        self.address = address; self.code = code; self.error = error; self.tags = tags; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case address, code, error, tags
        case createdAt = "created_at"
    }
}

public struct MailgunPaging: Sendable, Hashable, Codable {
    public var first: String?
    public var last: String?
    public var next: String?
    public var previous: String?
    public init(first: String? = nil, last: String? = nil, next: String? = nil, previous: String? = nil) {
        self.first = first; self.last = last; self.next = next; self.previous = previous
    }
}

public struct MailgunSuppressionPage: Sendable, Hashable, Codable {
    public var items: [MailgunSuppression]
    public var paging: MailgunPaging?
    public init(items: [MailgunSuppression], paging: MailgunPaging?) { self.items = items; self.paging = paging }
}

/// Add / delete answers: `{"message", "address"?}`.
public struct MailgunSuppressionWriteResponse: Sendable, Hashable, Codable {
    public var message: String
    public var address: String?
    public init(message: String, address: String?) { self.message = message; self.address = address }
}
