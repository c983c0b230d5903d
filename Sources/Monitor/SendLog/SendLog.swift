import Foundation
import Logging
import Sender
import ServiceLifecycle
import Store

/// The structured send log: one line per send attempt and per recorded
/// event. The recipient is its `sha256:` hash (the erasure hash, so a log
/// line and a forgotten address still match) unless `logRecipients`.
public struct SendLog: Sendable {
    public let logger: Logger
    public let logRecipients: Bool

    public init(logger: Logger, logRecipients: Bool = false) { self.logger = logger; self.logRecipients = logRecipients }

    /// JSON lines on stdout (`--log-format json`).
    public static func jsonLines(logRecipients: Bool) -> SendLog {
        SendLog(logger: Logger(label: "reconcile.send") { JSONLineLogHandler.standardOutput(label: $0) }, logRecipients: logRecipients)
    }

    func recipient(_ email: String?) -> Logger.MetadataValue {
        guard let email else { return "" }
        if logRecipients || email.hasPrefix(ErasedRecipient.prefix) { return .string(email) }
        return .string(ErasedRecipient.hash(email))
    }

    public func attempt(_ a: Admission, _ r: TransportResult) {
        attempt(row: a.row, group: a.group, mailbox: a.mailbox, email: a.email, r)
    }

    public func attempt(row: Int64, group: String, mailbox: String, email: String, _ r: TransportResult) {
        var m: Logger.Metadata = [
            "event": "send", "row": "\(row)", "group": .string(group), "mailbox": .string(mailbox),
            "recipient": recipient(email), "result": .string(r.state.rawValue), "phase": .string(r.phase.rawValue),
            "reply": .string(r.text),
        ]
        if let code = r.code { m["code"] = "\(code)" }
        if r.hardBounce { m["hard_bounce"] = "true" }
        logger.info("send", metadata: m)
    }

    public func event(_ e: SendingEvent) {
        var m: Logger.Metadata = ["event": .string(e.kind.rawValue), "at": .string(JSONLineLogHandler.timestamp(Date(timeIntervalSince1970: e.at)))]
        if let id = e.id { m["id"] = "\(id)" }
        if e.email != nil { m["recipient"] = recipient(e.email) }
        if let mailbox = e.mailbox { m["mailbox"] = .string(mailbox) }
        if let mid = e.messageID { m["message_id"] = .string(mid) }
        if !e.detail.isEmpty { m["detail"] = .string(e.detail) }
        logger.info("event", metadata: m)
    }
}

/// Tails the store's events into the send log, from those recorded after
/// it started (whoever recorded them: the sender, webhooks, an operator).
public struct SendEventTail: Service {
    public let store: any SendingStore
    public let log: SendLog
    public var interval: Double
    /// Log the events after this id; nil: those recorded after the tail starts.
    public var afterID: Int64?

    public init(store: any SendingStore, log: SendLog, interval: Double = 1, afterID: Int64? = nil) {
        self.store = store; self.log = log; self.interval = interval; self.afterID = afterID
    }

    public func run() async throws {
        var last = try afterID ?? store.lastEventID()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            // One last read after the shutdown signal, so the final events are not lost.
            for e in try store.events(afterID: last) {
                log.event(e)
                last = e.id ?? last
            }
        }
    }
}
