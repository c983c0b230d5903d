import Foundation

/// Which sender process reserved a message, `pid@host#token`: with several
/// senders on one state a starting sender may only recover the messages of
/// senders that are gone, never those another live sender is sending.
public struct SenderIdentity: Sendable, Hashable {
    public var pid: Int32
    public var host: String
    /// Random per process start: a restarted daemon that got the same pid
    /// (pid 1 in a container) does not mistake its predecessor's rows for its own.
    public var token: String

    public init(pid: Int32, host: String, token: String) { self.pid = pid; self.host = host; self.token = token }

    public static func current() -> SenderIdentity {
        SenderIdentity(pid: getpid(), host: ProcessInfo.processInfo.hostName, token: String(UUID().uuidString.prefix(8)).lowercased())
    }

    public var text: String { "\(pid)@\(host)#\(token)" }

    public init?(text: String) {
        guard let at = text.firstIndex(of: "@"), let hash = text.lastIndex(of: "#"), at < hash, let pid = Int32(text[..<at]) else { return nil }
        self.init(pid: pid, host: String(text[text.index(after: at)..<hash]), token: String(text[text.index(after: hash)...]))
    }

    /// Whether `owner` (a message's `sender`) is gone as seen from this
    /// process: no owner recorded (a single sender before `sending.4-limits`),
    /// this host's process dead, or this very pid with another token. A
    /// sender on another host is never judged from here.
    public func hasAbandoned(_ owner: String?) -> Bool {
        guard let owner, let o = SenderIdentity(text: owner) else { return true }
        guard o.host == host else { return false }
        if o.pid == pid { return o.token != token }
        return !ApplyLock.processIsAlive(o.pid)
    }
}
