import CCurl
import Dispatch
import Foundation
import Providers

/// One login at one endpoint through libcurl, sending no mail and reading no
/// message: connect, TLS (from the first byte, or STARTTLS required with
/// `CURLUSESSL_ALL` — never a fallback to plaintext), AUTH/LOGIN, then `NOOP`,
/// the command curl runs once logged in (SMTP: a command without recipients;
/// IMAP: a custom request without a mailbox).
public enum HandshakeProbe {
    public static func run(_ target: ProbeTarget, _ login: ProbeLogin, timeout: Int) async -> ProbeOutcome {
        // curl_easy_perform blocks: off the cooperative pool.
        return await onOwnThread("handshake-probe") { blockingRun(target, login, timeout: timeout) }
    }

    /// What the dialogue showed, filled by curl's callbacks.
    private final class Dialogue {
        /// An AUTH (SMTP), AUTHENTICATE or LOGIN (IMAP) command went out.
        var authSent = false
        var lastReply: String?
    }

    private static func blockingRun(_ target: ProbeTarget, _ login: ProbeLogin, timeout: Int) -> ProbeOutcome {
        guard let h = ccurl_easy_init() else { return ProbeOutcome(latency: 0, failure: .init(.down, String(cString: ccurl_init_error()))) }
        defer { ccurl_easy_cleanup(h) }
        let dialogue = Dialogue()
        let box = Unmanaged.passRetained(dialogue)
        defer { box.release() }
        ccurl_setopt_string(h, CURLOPT_URL, target.url)
        ccurl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        if let ca = target.caFile { ccurl_setopt_string(h, CURLOPT_CAINFO, ca) }
        ccurl_setopt_string(h, CURLOPT_USERNAME, login.username)
        ccurl_setopt_string(h, CURLOPT_PASSWORD, login.password)
        ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, "NOOP")
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, timeout)
        ccurl_setopt_long(h, CURLOPT_TIMEOUT, timeout * 2)
        // The NOOP's answer would otherwise go to stdout.
        ccurl_setopt_write_function(h, { _, size, nitems, _ in size * nitems })
        // Server replies arrive as "headers"; the last one explains a failure.
        ccurl_setopt_header_function(h, { buffer, size, nitems, userdata in
            guard let buffer, let userdata else { return size * nitems }
            let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: size * nitems), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            if !line.isEmpty { Unmanaged<Dialogue>.fromOpaque(userdata).takeUnretainedValue().lastReply = line }
            return size * nitems
        })
        ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, box.toOpaque())
        // libcurl skips AUTH silently when the server offers none: watch the commands
        // (verbs only — the arguments carry the credential) to tell.
        ccurl_setopt_long(h, CURLOPT_VERBOSE, 1)
        ccurl_setopt_debug_function(h, { _, type, data, size, userdata in
            guard type == CURLINFO_HEADER_OUT, let data, let userdata else { return 0 }
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
            for line in text.split(whereSeparator: \.isNewline) {
                // SMTP: `AUTH PLAIN …`; IMAP: `A001 AUTHENTICATE PLAIN` or `A001 LOGIN …`.
                let words = line.split(separator: " ").prefix(2).map { $0.uppercased() }
                if words.contains(where: { ["AUTH", "AUTHENTICATE", "LOGIN"].contains($0) }) {
                    Unmanaged<Dialogue>.fromOpaque(userdata).takeUnretainedValue().authSent = true
                }
            }
            return 0
        })
        ccurl_setopt_pointer(h, CURLOPT_DEBUGDATA, box.toOpaque())
        let started = DispatchTime.now().uptimeNanoseconds
        let rc = ccurl_easy_perform(h)
        let latency = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if rc == CURLE_OK {
            guard dialogue.authSent else {
                return ProbeOutcome(latency: latency, failure: .init(.login, "the server offered no AUTH: the login was never tried"))
            }
            return ProbeOutcome(latency: latency)
        }
        var detail = explain(rc)
        // A server's words, clipped; a password never appears in them, but a hostile server could echo one.
        if let reply = dialogue.lastReply, condition(rc) != .down || rc == CURLE_WEIRD_SERVER_REPLY {
            detail += "; last reply: " + String(reply.prefix(160)).replacingOccurrences(of: login.password, with: "****")
        }
        return ProbeOutcome(latency: latency, failure: .init(condition(rc), detail))
    }

    /// Which stage a libcurl error belongs to.
    static func condition(_ rc: CURLcode) -> ProbeCondition {
        switch rc {
        case CURLE_LOGIN_DENIED, CURLE_REMOTE_ACCESS_DENIED: .login
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE:
            .tls
        default: .down
        }
    }

    static func explain(_ rc: CURLcode) -> String {
        let code = "curl \(rc.rawValue)"
        switch rc {
        case CURLE_USE_SSL_FAILED: return "the server offers no STARTTLS (\(code))"
        case CURLE_LOGIN_DENIED: return "login refused (\(code))"
        default: return "\(code): \(String(cString: ccurl_easy_strerror(rc)))"
        }
    }
}
