import Foundation

/// Telegram Bot API wire shapes (mail-platforms.md §4).

public enum TelegramParseMode: String, Sendable, Hashable, Codable {
    case html = "HTML"
    case markdownV2 = "MarkdownV2"
    case markdown = "Markdown"
}

public struct TelegramSendMessage: Sendable, Hashable, Codable {
    /// An integer id (negative for groups) or `@channelusername`, sent as given.
    public var chatID: String
    public var text: String
    public var parseMode: TelegramParseMode?
    public var disableNotification: Bool?
    public init(chatID: String, text: String, parseMode: TelegramParseMode? = nil, disableNotification: Bool? = nil) {
        self.chatID = chatID; self.text = text; self.parseMode = parseMode; self.disableNotification = disableNotification
    }
    enum CodingKeys: String, CodingKey {
        case text
        case chatID = "chat_id"
        case parseMode = "parse_mode"
        case disableNotification = "disable_notification"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        chatID = try c.decode(LooseString.self, forKey: .chatID).value
        text = try c.decode(String.self, forKey: .text)
        parseMode = try c.decodeIfPresent(TelegramParseMode.self, forKey: .parseMode)
        disableNotification = try c.decodeIfPresent(Bool.self, forKey: .disableNotification)
    }
}

public struct TelegramChat: Sendable, Hashable, Codable {
    public var id: Int64
    public var type: String
    public init(id: Int64, type: String) { self.id = id; self.type = type }
}

public struct TelegramMessage: Sendable, Hashable, Codable {
    public var messageID: Int64
    public var date: Int64
    public var chat: TelegramChat
    public var text: String?
    public init(messageID: Int64, date: Int64, chat: TelegramChat, text: String?) {
        self.messageID = messageID; self.date = date; self.chat = chat; self.text = text
    }
    enum CodingKeys: String, CodingKey { case date, chat, text; case messageID = "message_id" }
}

public struct TelegramResponseParameters: Sendable, Hashable, Codable {
    public var retryAfter: Int?
    public var migrateToChatID: Int64?
    public init(retryAfter: Int? = nil, migrateToChatID: Int64? = nil) { self.retryAfter = retryAfter; self.migrateToChatID = migrateToChatID }
    enum CodingKeys: String, CodingKey { case retryAfter = "retry_after"; case migrateToChatID = "migrate_to_chat_id" }
}

/// `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description", "parameters"?}`.
public struct TelegramResponse<T: Codable & Sendable>: Sendable, Codable {
    public var ok: Bool
    public var result: T?
    public var errorCode: Int?
    public var description: String?
    public var parameters: TelegramResponseParameters?
    public init(ok: Bool, result: T? = nil, errorCode: Int? = nil, description: String? = nil, parameters: TelegramResponseParameters? = nil) {
        self.ok = ok; self.result = result; self.errorCode = errorCode; self.description = description; self.parameters = parameters
    }
    enum CodingKeys: String, CodingKey {
        case ok, result, description, parameters
        case errorCode = "error_code"
    }
}

public enum TelegramText {
    /// Escapes text for `parse_mode=HTML` (§4: `<`, `>`, `&`).
    public static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// The bot as `getMe` describes it: a `User` with `is_bot` true and the
/// fields "returned only in getMe" (Bot API `User` type).
public struct TelegramBotUser: Sendable, Hashable, Codable {
    public var id: Int64
    public var isBot: Bool
    public var firstName: String
    public var username: String?
    public var canJoinGroups: Bool?
    public var canReadAllGroupMessages: Bool?
    public var supportsInlineQueries: Bool?
    public var canConnectToBusiness: Bool?
    public var hasMainWebApp: Bool?

    public init(id: Int64, isBot: Bool = true, firstName: String, username: String?, canJoinGroups: Bool? = true,
                canReadAllGroupMessages: Bool? = false, supportsInlineQueries: Bool? = false,
                canConnectToBusiness: Bool? = false, hasMainWebApp: Bool? = false) {
        self.id = id; self.isBot = isBot; self.firstName = firstName; self.username = username
        self.canJoinGroups = canJoinGroups; self.canReadAllGroupMessages = canReadAllGroupMessages
        self.supportsInlineQueries = supportsInlineQueries; self.canConnectToBusiness = canConnectToBusiness
        self.hasMainWebApp = hasMainWebApp
    }

    enum CodingKeys: String, CodingKey {
        case id, username
        case isBot = "is_bot"
        case firstName = "first_name"
        case canJoinGroups = "can_join_groups"
        case canReadAllGroupMessages = "can_read_all_group_messages"
        case supportsInlineQueries = "supports_inline_queries"
        case canConnectToBusiness = "can_connect_to_business"
        case hasMainWebApp = "has_main_web_app"
    }
}
