import Foundation
import Store

/// Where in the SMTP dialogue an attempt ended. Before the final dot a
/// failure is definite; after it, without a reply, nobody knows (sending.md §5.1).
public enum SendPhase: String, Sendable {
    case connect, tls, auth, mailFrom = "mail", rcpt, data, body, afterDot = "after-dot", accepted, http
}

/// The classified outcome of one attempt.
public struct TransportResult: Sendable, Equatable {
    /// accepted | rejected | deferred | unknown
    public var state: MessageState
    public var code: Int?
    public var text: String
    public var phase: SendPhase
    /// The recipient address does not exist (5.1.x at RCPT): suppress it fleet-wide.
    public var hardBounce: Bool
    /// Set when the attempt failed on our configuration, not on the recipient
    /// (`state` is then `planned`): what to pause until the operator fixes it.
    public var configFault: ConfigFaultScope?

    public init(state: MessageState, code: Int?, text: String, phase: SendPhase, hardBounce: Bool = false) {
        self.state = state; self.code = code; self.text = text; self.phase = phase; self.hardBounce = hardBounce
    }

    /// A configuration fault: nothing was handed over, the message stays planned.
    public static func configFault(_ scope: ConfigFaultScope, code: Int?, text: String, phase: SendPhase) -> TransportResult {
        var r = TransportResult(state: .planned, code: code, text: text, phase: phase)
        r.configFault = scope
        return r
    }
}

/// What a configuration fault concerns: one mailbox's login, or the group's
/// whole way out (relay host, TLS, API key or endpoint).
public enum ConfigFaultScope: String, Sendable, Equatable {
    case mailbox, group
}

/// One way of handing a built message to the relay for a group's pool.
public protocol MailTransport: Sendable {
    func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult
    /// The `env:` secrets it will read for `fleet` (`SendPreflight` checks them before the first reservation).
    func secretsNeeded(fleet: SendingFleet) -> [SendPreflight.Need]
}

/// The simulator's relay: accepts everything at once.
public struct AcceptingTransport: MailTransport {
    public init() {}
    public func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult {
        TransportResult(state: .accepted, code: 250, text: "250 2.0.0 accepted (simulated)", phase: .accepted)
    }
}
