import CCurl
import Dispatch
import Foundation
import Inventory
import Providers
import Store

/// SMTP through libcurl (sending.md §6): STARTTLS required (`CURLUSESSL_ALL`,
/// never the "try" level that silently falls back to plaintext), AUTH, a 600 s
/// wait for the final reply (RFC 5321's 10 minutes, so a slow 250 is not turned
/// into an unknown), every server reply captured through the header callback.
/// `curl_easy_perform` blocks, so every transfer runs on one dedicated serial
/// thread (`OwnThreadQueue`), never on the pool; one easy handle per login keeps the
/// connection open between messages.
public final class CurlSMTPTransport: MailTransport, @unchecked Sendable {
    private let queue = OwnThreadQueue(name: "reconcile.smtp")
    private var handles: [String: UnsafeMutableRawPointer] = [:]   // only touched on `queue`
    private let environment: [String: String]
    public let finalReplyTimeout: Int
    public let connectTimeout: Int

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, finalReplyTimeout: Int = 600, connectTimeout: Int = 15) {
        self.environment = environment
        self.finalReplyTimeout = finalReplyTimeout
        self.connectTimeout = connectTimeout
    }

    deinit {
        for h in handles.values { ccurl_easy_cleanup(h) }
    }

    public func send(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) async -> TransportResult {
        await withCheckedContinuation { (cont: CheckedContinuation<TransportResult, Never>) in
            queue.async {
                cont.resume(returning: self.perform(message, mailbox: mailbox, group: group))
            }
        }
    }

    public func secretsNeeded(fleet: SendingFleet) -> [SendPreflight.Need] {
        fleet.sendingMailboxes.compactMap { m in m.smtpPassword.map { SendPreflight.Need(reference: $0, neededBy: "SMTP login of \(m.address)") } }
    }

    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        var transcript = SMTPTranscript()
        var partial = ""
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    private func perform(_ message: BuiltMessage, mailbox: SendingMailbox, group: SendingGroup) -> TransportResult {
        guard let endpoint = group.smtp else {
            return .configFault(.group, code: nil, text: "configuration: group \(group.name) has no SMTP endpoint", phase: .connect)
        }
        guard endpoint.url.hasPrefix("smtp://") || endpoint.url.hasPrefix("smtps://") else {
            return .configFault(.group, code: nil, text: "configuration: SMTP URL must start with smtp:// or smtps://", phase: .connect)
        }
        var password: String?
        if let ref = mailbox.smtpPassword {
            do { password = try SecretRef.resolve(ref, environment: environment) } catch {
                return .configFault(.mailbox, code: nil, text: "configuration: \(error)", phase: .auth)
            }
            // Mailgun pools: the reference is the master secret; log in with the
            // per-mailbox password apply derived from it, never the master itself.
            if let version = mailbox.smtpPasswordDerivation, let master = password, !master.isEmpty {
                password = SMTPPasswordDeriver(masterSecret: master)
                    .password(for: mailbox.smtpUsername ?? mailbox.address, version: version)
            }
        }
        let key = "\(endpoint.url)|\(mailbox.smtpUsername ?? "")"
        let h: UnsafeMutableRawPointer
        if let existing = handles[key] { h = existing } else {
            guard let created = ccurl_easy_init() else {
                return TransportResult(state: .deferred, code: nil, text: String(cString: ccurl_init_error()), phase: .connect)
            }
            h = created
            handles[key] = h
        }
        let upload = Upload(message.data)
        let box = Unmanaged.passRetained(upload)
        defer { box.release() }

        var rcpt: UnsafeMutablePointer<curl_slist>? = ccurl_slist_append(nil, "<\(message.recipient)>")
        defer { ccurl_slist_free_all(rcpt); rcpt = nil }

        ccurl_setopt_string(h, CURLOPT_URL, endpoint.url)
        ccurl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        if let ca = endpoint.caInfo { ccurl_setopt_string(h, CURLOPT_CAINFO, ca) }
        if let user = mailbox.smtpUsername { ccurl_setopt_string(h, CURLOPT_USERNAME, user) }
        if let password { ccurl_setopt_string(h, CURLOPT_PASSWORD, password) }
        ccurl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(message.envelopeFrom)>")
        ccurl_setopt_slist(h, CURLOPT_MAIL_RCPT, rcpt)
        ccurl_setopt_long(h, CURLOPT_UPLOAD, 1)
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, connectTimeout)
        ccurl_setopt_long(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, finalReplyTimeout)
        ccurl_setopt_read_function(h, { buffer, size, nitems, userdata in
            guard let buffer, let userdata else { return 0 }
            let u = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
            let n = min(size * nitems, u.bytes.count - u.offset)
            if n == 0 { u.transcript.bodyComplete = true; return 0 }
            u.bytes.withUnsafeBufferPointer { src in
                UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress! + u.offset, byteCount: n)
            }
            u.offset += n
            return n
        })
        ccurl_setopt_pointer(h, CURLOPT_READDATA, box.toOpaque())
        // libcurl passes every server reply line of the dialogue to the header callback (sending.md §6.2).
        ccurl_setopt_header_function(h, { buffer, size, nitems, userdata in
            guard let buffer, let userdata else { return size * nitems }
            let u = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
            let raw = UnsafeRawBufferPointer(start: buffer, count: size * nitems)
            let line = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .newlines)
            if !line.isEmpty { u.transcript.replies.append(line) }
            return size * nitems
        })
        ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, box.toOpaque())
        // The debug callback shows the commands we sent, which tells the phase of a failure.
        ccurl_setopt_long(h, CURLOPT_VERBOSE, 1)
        ccurl_setopt_debug_function(h, { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_OUT, let data, let userdata else { return 0 }
            let u = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            for cmd in text.split(whereSeparator: \.isNewline) {
                // Only the verb is kept: AUTH arguments and continuation lines carry the credential.
                let verb = (cmd.split(separator: " ").first.map(String.init) ?? "").uppercased()
                let known = ["EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT", "RSET", "NOOP"]
                if known.contains(verb) { u.transcript.commands.append(verb) }
            }
            return 0
        })
        ccurl_setopt_pointer(h, CURLOPT_DEBUGDATA, box.toOpaque())

        let rc = ccurl_easy_perform(h)
        var code = 0
        ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        let curlText = String(cString: ccurl_easy_strerror(rc))
        // The slist and the upload die with this call: detach them from the reused handle.
        ccurl_setopt_slist(h, CURLOPT_MAIL_RCPT, nil)
        if rc != CURLE_OK {
            // After a failure the connection state is unclear; start the next message on a fresh connection.
            ccurl_easy_cleanup(h)
            handles[key] = nil
        }
        return SMTPReplyClassifier.classify(curlCode: Int(rc.rawValue), curlText: "curl \(rc.rawValue): \(curlText)",
                                            responseCode: code, transcript: upload.transcript)
    }
}
