import Foundation
import Providers
import Store

/// Turns what libcurl saw of an SMTP transaction into a definite or unknown
/// outcome (sending.md §5.3 rule 3, §6.2 table).
struct SMTPTranscript {
    /// Every server reply line, in order.
    var replies: [String] = []
    /// Every command we sent (first word(s)), in order.
    var commands: [String] = []
    /// The read callback returned end-of-data: libcurl then sends the final dot.
    var bodyComplete = false

    var saw354: Bool { replies.contains { $0.hasPrefix("354") } }

    /// The reply that answered the final dot, if any.
    var finalReply: String? {
        guard let i = replies.lastIndex(where: { $0.hasPrefix("354") }), i + 1 < replies.count else { return nil }
        return replies[(i + 1)...].first { !$0.hasPrefix("221") }
    }

    /// The command that failed (libcurl sends QUIT after a failure; that is not it).
    var lastCommand: String { commands.last { !$0.uppercased().hasPrefix("QUIT") } ?? "" }

    /// The last line carrying `code`, ignoring the QUIT reply libcurl adds after a failure.
    func line(for code: Int) -> String? {
        replies.last { $0.hasPrefix(String(code)) } ?? replies.last { !$0.hasPrefix("221") }
    }

    func phase() -> SendPhase {
        let c = lastCommand.uppercased()
        if c.hasPrefix("RCPT") { return .rcpt }
        if c.hasPrefix("MAIL") { return .mailFrom }
        if c.hasPrefix("DATA") { return saw354 ? .body : .data }
        if c.hasPrefix("AUTH") { return .auth }
        if c.hasPrefix("STARTTLS") { return .tls }
        return .connect
    }
}

enum SMTPReplyClassifier {
    /// Words for the libcurl codes that mean our setup is wrong, not the
    /// recipient (`ConnectFault(curlCode:)` decides which those are).
    static let configCurlWords: [Int: String] = [58: "the TLS client certificate is unusable", 77: "the CA bundle is unusable"]

    static func classify(curlCode: Int, curlText: String, responseCode: Int, transcript t: SMTPTranscript) -> TransportResult {
        if let fault = ConnectFault(curlCode: curlCode) {
            let why = configCurlWords[curlCode]
                ?? (fault == .hostNotFound ? "the relay host does not resolve" : "the relay's TLS certificate does not verify")
            return .configFault(.group, code: nil, text: "configuration: \(why) (\(curlText))", phase: fault == .hostNotFound ? .connect : .tls)
        }
        if curlCode == 0 {
            let text = t.finalReply ?? t.line(for: responseCode) ?? "\(responseCode)"
            return TransportResult(state: .accepted, code: responseCode, text: text, phase: .accepted)
        }
        if t.saw354 {
            if let final = t.finalReply, let code = Int(final.prefix(3)) {
                // The server answered the final dot: definite.
                return TransportResult(state: code >= 500 ? .rejected : code >= 400 ? .deferred : .accepted, code: code, text: final, phase: .afterDot)
            }
            if t.bodyComplete {
                return TransportResult(state: .unknown, code: nil, text: "no reply after the final dot: \(curlText)", phase: .afterDot)
            }
            return TransportResult(state: .deferred, code: nil, text: "connection lost before the final dot: \(curlText)", phase: .body)
        }
        let phase = t.phase()
        let text = responseCode > 0 ? (t.line(for: responseCode) ?? "\(responseCode)") : curlText
        if phase == .auth && (responseCode == 535 || responseCode == 534 || responseCode == 530) {
            // The relay refused our login: the mailbox's credentials are wrong.
            return .configFault(.mailbox, code: responseCode, text: "configuration: SMTP AUTH refused: \(text)", phase: .auth)
        }
        switch phase {
        case .rcpt where responseCode >= 500:
            // 550 at RCPT (or an explicit 5.1.x) means the address does not exist (sending.md §1.6).
            let hard = (550...553).contains(responseCode) && (text.contains(" 5.1.") || !text.contains(" 5."))
            return TransportResult(state: .rejected, code: responseCode, text: text, phase: phase, hardBounce: hard)
        case .rcpt, .mailFrom, .data:
            if responseCode >= 500 { return TransportResult(state: .rejected, code: responseCode, text: text, phase: phase) }
            return TransportResult(state: .deferred, code: responseCode > 0 ? responseCode : nil, text: text, phase: phase)
        default:
            // Connection, STARTTLS (never a plaintext fallback) and AUTH failures: nothing was offered; retry later.
            return TransportResult(state: .deferred, code: responseCode > 0 ? responseCode : nil, text: "\(curlText)\(responseCode > 0 ? " (\(text))" : "")", phase: phase)
        }
    }
}
