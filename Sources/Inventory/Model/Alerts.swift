/// Where operational alerts go.
public struct Alerts: Sendable, Hashable, Codable {
    public var telegram: TelegramAlerts?

    public init(telegram: TelegramAlerts? = nil) { self.telegram = telegram }
}

/// mail-platforms.md 3: `sendMessage` with `chat_id` (negative ids for groups, or `@channel`).
public struct TelegramAlerts: Sendable, Hashable, Codable {
    public var botToken: SecretRef
    public var chatID: String
    /// The Bot API's base URL when not `https://api.telegram.org` (tests, a sandbox), like an account's `endpoint`.
    public var endpoint: String?
    public var location: SourceLocation

    public init(botToken: SecretRef, chatID: String, endpoint: String? = nil, location: SourceLocation = .builtIn) {
        self.botToken = botToken
        self.chatID = chatID
        self.endpoint = endpoint
        self.location = location
    }
}
