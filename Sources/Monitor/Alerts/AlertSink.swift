import Foundation
import Inventory
import Providers

/// Where alert text goes. Telegram is the one sink today; the seam keeps
/// the alerter's pacing and queue independent of it.
public protocol AlertSink: Sendable {
    func deliver(_ text: String) async throws
}

/// `alerts.telegram` of the inventory: one chat, the bot token read from its
/// `env:` reference when the sink is made (never printed: the client
/// redacts it from every error).
public struct TelegramAlertSink: AlertSink {
    public let client: TelegramClient
    public let chatID: String

    public init(client: TelegramClient, chatID: String) { self.client = client; self.chatID = chatID }

    /// nil when the inventory has no `alerts.telegram`. `endpoint` (else the
    /// inventory's `alerts.telegram.endpoint`) points the client elsewhere. The client's own retries are few and
    /// short: the alerter's queue retries with its own backoff.
    public static func make(alerts: Alerts, environment: [String: String] = ProcessInfo.processInfo.environment,
                            endpoint: URL? = nil) throws -> TelegramAlertSink? {
        guard let t = alerts.telegram else { return nil }
        guard let token = t.botToken.resolve(in: environment) else {
            throw AlertError.configuration("alerts.telegram.bot_token: environment variable \(t.botToken.name) (referenced as \(t.botToken)) is not set")
        }
        let client = TelegramClient(botToken: token, endpoint: endpoint ?? t.endpoint.flatMap { URL(string: $0) },
                                    retry: RetryPolicy(maxAttempts: 2, baseDelay: 1, maxDelay: 5, totalBudget: 15), timeout: 15)
        return TelegramAlertSink(client: client, chatID: t.chatID)
    }

    public func deliver(_ text: String) async throws {
        _ = try await client.sendAlert(chatID: chatID, text: text)
    }
}

public enum AlertError: Error, CustomStringConvertible, Equatable {
    case configuration(String)
    case notConfigured
    case undelivered(String)

    public var description: String {
        switch self {
        case .configuration(let m): return m
        case .notConfigured: return "no alert sink: the inventory has no alerts.telegram"
        case .undelivered(let m): return "alert not delivered: \(m)"
        }
    }
}
