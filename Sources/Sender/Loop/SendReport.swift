import Foundation
import Store

/// One settled attempt as the daemon reports it: who was mailed, by which
/// campaign step and mailbox, and what the relay said.
public struct SendReport: Sendable, Equatable {
    public var at: Double
    public var email: String
    public var campaign: String
    /// 0-based, as stored; shown 1-based.
    public var step: Int
    public var mailbox: String
    public var group: String
    public var result: TransportResult

    /// `2026-03-02 09:14 UTC deferred 450 4.2.1 …: to a@x.net, campaign spring step 1, from s@d.example (group g1, rcpt)`.
    public var line: String {
        var reply = result.text
        if let code = result.code, !reply.hasPrefix(String(code)) { reply = "\(code) \(reply)" }
        return "\(UTCDay.formatMinute(at)) \(result.state.rawValue) \(reply): to \(email), campaign \(campaign) step \(step + 1), "
            + "from \(mailbox) (group \(group), \(result.phase.rawValue))"
    }
}

/// What an idle daemon says each group waits for, at most once a minute per
/// group and only while that group sends nothing (a pause between two sends is not news).
public struct WaitNotice: Sendable {
    public var every: Double
    private var lastLine: [String: Double] = [:]
    private var lastSend: [String: Double] = [:]

    public init(every: Double = 60) { self.every = every }

    public mutating func sent(group: String, at t: Double) { lastSend[group] = t }

    /// A line when `group` waits until `until` for `reason` at `now`, or nil when it is too soon to say again.
    public mutating func waiting(group: String, now: Double, until: Double, reason: BlockReason) -> String? {
        guard now - (lastLine[group] ?? -.infinity) >= every, now - (lastSend[group] ?? -.infinity) >= every else { return nil }
        lastLine[group] = now
        let when = until.isFinite ? " until \(UTCDay.formatMinute(until))" : ""
        switch reason {
        case .window: return "waiting: group \(group): the sending window opens at \(UTCDay.formatMinute(until))"
        case .noDemand where !until.isFinite: return "waiting: group \(group): nothing queued"
        case .noDemand: return "waiting: group \(group): next message due at \(UTCDay.formatMinute(until))"
        default: return "waiting: group \(group): \(reason.rawValue)\(when)"
        }
    }
}
