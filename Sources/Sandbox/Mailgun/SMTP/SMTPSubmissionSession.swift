import Foundation

/// One SMTP submission dialogue as Mailgun's relay runs it (mail-platforms.md
/// §1.7: AUTH PLAIN/LOGIN with the domain's SMTP credentials after STARTTLS),
/// as a value: lines in, what to do out. No I/O here — the channel handler
/// writes the replies, starts TLS and hands a finished message over.
///
/// The order is enforced, each step refused with its own reply: EHLO, then
/// STARTTLS (AUTH before it: 530), then AUTH (MAIL before it: 530), then
/// MAIL, RCPT…, DATA. DATA lines are dot-unstuffed; a message over
/// `maxMessageBytes` is read to its end and refused (552), never stored.
struct SMTPSubmissionSession {
    /// Mailgun's documented message size limit (25 MB).
    static let maxMessageBytes = 25 * 1024 * 1024
    static let maxRecipients = 1000
    static let maxFailedLogins = 3

    /// What the connection does next.
    enum Step: Equatable {
        case reply(String)
        /// Write the reply in clear, then start TLS; anything the client sent after STARTTLS is dropped.
        case startTLS(String)
        /// The message is complete: store it, then write the reply the delivery gives.
        case deliver(Envelope)
        case close(String)
        /// Nothing to answer yet (a DATA line).
        case none
    }

    struct Envelope: Equatable {
        var login: String
        var from: String
        var recipients: [String]
        var data: [UInt8]
    }

    enum Mode: Equatable {
        case command
        case authPlain
        case authLoginUser
        case authLoginPassword(user: String)
        case data
    }

    let hostname: String
    /// True when `login` may log in with `password`.
    let verify: @Sendable (_ login: String, _ password: String) -> Bool

    private(set) var tls = false
    private(set) var login: String?
    private(set) var mode = Mode.command
    private var greeted = false
    private var from: String?
    private var recipients: [String] = []
    private var data: [UInt8] = []
    private var oversized = false
    private var failedLogins = 0

    init(hostname: String = "127.0.0.1", verify: @escaping @Sendable (String, String) -> Bool) {
        self.hostname = hostname
        self.verify = verify
    }

    var greeting: String { "220 \(hostname) ESMTP Mailgun sandbox" }

    /// After the TLS handshake began: RFC 3207 — forget everything said in clear; the client greets again.
    mutating func tlsStarted() {
        tls = true
        greeted = false
        resetTransaction()
    }

    /// One line, without its CRLF.
    mutating func receive(_ line: [UInt8]) -> Step {
        switch mode {
        case .data: return dataLine(line)
        case .authPlain:
            mode = .command
            return authPlain(String(decoding: line, as: UTF8.self))
        case .authLoginUser:
            let text = String(decoding: line, as: UTF8.self)
            if text == "*" { mode = .command; return .reply("501 5.7.0 Authentication cancelled") }
            guard let user = Self.base64(text) else { mode = .command; return .reply("501 5.5.2 Cannot decode response") }
            mode = .authLoginPassword(user: user)
            return .reply("334 UGFzc3dvcmQ6")
        case .authLoginPassword(let user):
            mode = .command
            let text = String(decoding: line, as: UTF8.self)
            if text == "*" { return .reply("501 5.7.0 Authentication cancelled") }
            guard let password = Self.base64(text) else { return .reply("501 5.5.2 Cannot decode response") }
            return check(user, password)
        case .command:
            return command(String(decoding: line, as: UTF8.self))
        }
    }

    /// The delivery's outcome: the transaction is over either way.
    mutating func delivered() { resetTransaction() }

    private mutating func resetTransaction() {
        from = nil
        recipients = []
        data = []
        oversized = false
        if mode == .data { mode = .command }
    }

    private mutating func command(_ line: String) -> Step {
        let verb = line.prefix { $0 != " " }.uppercased()
        let argument = line.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
        switch verb {
        case "EHLO", "HELO":
            guard !argument.isEmpty else { return .reply("501 5.5.4 \(verb) needs a domain or address") }
            greeted = true
            resetTransaction()
            if verb == "HELO" { return .reply("250 \(hostname)") }
            var lines = ["250-\(hostname)", "250-SIZE \(Self.maxMessageBytes)", "250-8BITMIME", "250-ENHANCEDSTATUSCODES"]
            lines.append(tls ? "250 AUTH PLAIN LOGIN" : "250 STARTTLS")
            return .reply(lines.joined(separator: "\r\n"))
        case "STARTTLS":
            if tls { return .reply("554 5.5.1 TLS already active") }
            guard greeted else { return .reply("503 5.5.1 EHLO first") }
            guard argument.isEmpty else { return .reply("501 5.5.4 STARTTLS takes no argument") }
            return .startTLS("220 2.0.0 Ready to start TLS")
        case "AUTH":
            guard tls else { return .reply("530 5.7.0 Must issue a STARTTLS command first") }
            guard greeted else { return .reply("503 5.5.1 EHLO first") }
            guard login == nil else { return .reply("503 5.5.1 Already authenticated") }
            let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
            switch parts.first?.uppercased() {
            case "PLAIN":
                if parts.count == 2 { return authPlain(parts[1]) }
                mode = .authPlain
                return .reply("334 ")
            case "LOGIN":
                if parts.count == 2 {
                    guard let user = Self.base64(parts[1]) else { return .reply("501 5.5.2 Cannot decode response") }
                    mode = .authLoginPassword(user: user)
                    return .reply("334 UGFzc3dvcmQ6")
                }
                mode = .authLoginUser
                return .reply("334 VXNlcm5hbWU6")
            default:
                return .reply("504 5.5.4 Unrecognized authentication type")
            }
        case "MAIL":
            guard login != nil else { return .reply(tls ? "530 5.7.0 Authentication required" : "530 5.7.0 Must issue a STARTTLS command first") }
            guard from == nil else { return .reply("503 5.5.1 Nested MAIL command") }
            guard let (address, parameters) = Self.path(argument, keyword: "FROM:") else {
                return .reply("501 5.5.4 Syntax: MAIL FROM:<address>")
            }
            if let size = parameters.first(where: { $0.uppercased().hasPrefix("SIZE=") }).flatMap({ Int($0.dropFirst(5)) }),
               size > Self.maxMessageBytes {
                return .reply("552 5.3.4 Message size exceeds fixed limit")
            }
            guard address.isEmpty || MailgunRoutes.plausibleAddress(address) else { return .reply("553 5.1.7 Bad sender address syntax") }
            from = address
            return .reply("250 2.1.0 Sender ok")
        case "RCPT":
            guard from != nil else { return .reply("503 5.5.1 MAIL first") }
            guard let (address, _) = Self.path(argument, keyword: "TO:") else { return .reply("501 5.5.4 Syntax: RCPT TO:<address>") }
            guard MailgunRoutes.plausibleAddress(address) else { return .reply("553 5.1.3 Bad recipient address syntax") }
            guard recipients.count < Self.maxRecipients else { return .reply("452 4.5.3 Too many recipients") }
            recipients.append(address)
            return .reply("250 2.1.5 Recipient ok")
        case "DATA":
            guard from != nil, !recipients.isEmpty else { return .reply("503 5.5.1 RCPT first") }
            mode = .data
            return .reply("354 Start mail input; end with <CRLF>.<CRLF>")
        case "RSET":
            resetTransaction()
            return .reply("250 2.0.0 OK")
        case "NOOP": return .reply("250 2.0.0 OK")
        case "VRFY": return .reply("252 2.5.2 Cannot VRFY user")
        case "QUIT": return .close("221 2.0.0 Bye")
        default: return .reply("500 5.5.2 Command not recognized")
        }
    }

    private mutating func dataLine(_ line: [UInt8]) -> Step {
        if line == [UInt8(ascii: ".")] {
            mode = .command
            guard !oversized, let login, let from else {
                resetTransaction()
                return .reply("552 5.3.4 Message size exceeds fixed limit")
            }
            return .deliver(Envelope(login: login, from: from, recipients: recipients, data: data))
        }
        // Dot-unstuffing (RFC 5321 §4.5.2): a leading dot was doubled by the client.
        let content = line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...]
        if oversized || data.count + content.count + 2 > Self.maxMessageBytes {
            // Read to the end so the reply lands where the client expects it, but keep nothing.
            oversized = true
            data = []
            return .none
        }
        data.append(contentsOf: content)
        data.append(contentsOf: [13, 10])
        return .none
    }

    /// RFC 4616: `[authzid] NUL authcid NUL passwd`, base64.
    private mutating func authPlain(_ encoded: String) -> Step {
        if encoded == "*" { return .reply("501 5.7.0 Authentication cancelled") }
        guard let bytes = Data(base64Encoded: encoded) else { return .reply("501 5.5.2 Cannot decode response") }
        let parts = bytes.split(separator: 0, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .reply("501 5.5.2 Malformed AUTH PLAIN response") }
        return check(String(decoding: parts[1], as: UTF8.self), String(decoding: parts[2], as: UTF8.self))
    }

    private mutating func check(_ user: String, _ password: String) -> Step {
        if verify(user, password) {
            login = user.lowercased()
            return .reply("235 2.7.0 Authentication successful")
        }
        failedLogins += 1
        if failedLogins >= Self.maxFailedLogins { return .close("421 4.7.0 Too many failed logins") }
        return .reply("535 5.7.8 Authentication failed")
    }

    private static func base64(_ text: String) -> String? {
        Data(base64Encoded: text).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `FROM:<a@b> SIZE=123` → ("a@b", ["SIZE=123"]); nil when not a path.
    static func path(_ argument: String, keyword: String) -> (String, [Substring])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
        guard rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") else { return nil }
        let address = String(rest[rest.index(after: rest.startIndex)..<close])
        let parameters = rest[rest.index(after: close)...].split(separator: " ")
        return (address, parameters)
    }
}
