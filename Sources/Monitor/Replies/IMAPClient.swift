import CCurl
import Dispatch
import Foundation
import Providers

/// Where and as whom one mailbox's INBOX is read. `url` is `imaps://HOST:PORT`;
/// `caFile` trusts a private CA (tests) — verification is never switched off.
public struct IMAPAccount: Sendable, Hashable {
    public var mailbox: String
    public var url: String
    public var username: String
    public var password: String
    public var caFile: String?

    public init(mailbox: String, url: String, username: String, password: String, caFile: String? = nil) {
        self.mailbox = mailbox; self.url = url; self.username = username; self.password = password; self.caFile = caFile
    }
}

public struct IMAPError: Error, CustomStringConvertible, Equatable {
    /// libcurl's code: 67 is a refused login, 7 nothing listening, 60 a bad certificate.
    public var curlCode: Int
    public var description: String
    public var isLoginDenied: Bool { curlCode == Int(CURLE_LOGIN_DENIED.rawValue) }
}

/// A read-only IMAP reader on libcurl (monitoring.md "Dovecot"): EXAMINE for
/// UIDVALIDITY, `UID SEARCH` for new messages, one header section per
/// message. `curl_easy_perform` blocks, so every call runs on one thread of
/// its own per client (`OwnThreadQueue`); one easy handle per account keeps its connection open
/// across the calls of a poll. Messages are never marked seen (EXAMINE and
/// BODY.PEEK semantics), so a person reading the mailbox sees them as new.
public final class IMAPClient: @unchecked Sendable {
    private let queue = OwnThreadQueue(name: "reconcile.imap")
    private var handles: [IMAPAccount: UnsafeMutableRawPointer] = [:]   // only touched on `queue`
    public let timeout: Int

    public init(timeout: Int = 30) {
        self.timeout = timeout
    }

    deinit { for h in handles.values { ccurl_easy_cleanup(h) } }

    /// The INBOX's UIDVALIDITY: when it changes, every UID seen before is meaningless.
    public func uidValidity(_ account: IMAPAccount) async throws -> UInt32 {
        let text = try await perform(account, path: "/INBOX", request: "EXAMINE INBOX")
        guard let v = Self.firstNumber(after: "[UIDVALIDITY ", in: text).flatMap(UInt32.init) else {
            throw IMAPError(curlCode: 0, description: "\(account.mailbox): the server named no UIDVALIDITY")
        }
        return v
    }

    /// UIDs of INBOX messages above `after`, ascending.
    public func uids(_ account: IMAPAccount, after: UInt32) async throws -> [UInt32] {
        // `N:*` always matches the highest UID even when it is below N (RFC 3501 6.4.8): filter.
        let text = try await perform(account, path: "/INBOX", request: "UID SEARCH UID \(UInt64(after) + 1):*")
        let found = text.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("* SEARCH") }
            .flatMap { $0.split(separator: " ").dropFirst(2).compactMap { UInt32($0) } }
        return Array(Set(found.filter { $0 > after })).sorted()
    }

    /// The named header fields of one message, as raw RFC 5322 header text.
    public func headers(_ account: IMAPAccount, uid: UInt32, fields: [String]) async throws -> String {
        let section = "HEADER.FIELDS%20(" + fields.joined(separator: "%20") + ")"
        return try await perform(account, path: "/INBOX;UID=\(uid);SECTION=\(section)", request: nil)
    }

    /// Closes the account's connection (after a poll).
    public func close(_ account: IMAPAccount) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            queue.async {
                if let h = self.handles.removeValue(forKey: account) { ccurl_easy_cleanup(h) }
                c.resume()
            }
        }
    }

    private final class Sink { var bytes: [UInt8] = [] }

    private func perform(_ account: IMAPAccount, path: String, request: String?) async throws -> String {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<String, any Error>) in
            queue.async { c.resume(with: Result { try self.blockingPerform(account, path: path, request: request) }) }
        }
    }

    private func blockingPerform(_ account: IMAPAccount, path: String, request: String?) throws -> String {
        let h: UnsafeMutableRawPointer
        if let existing = handles[account] { h = existing } else {
            guard let created = ccurl_easy_init() else { throw IMAPError(curlCode: 0, description: String(cString: ccurl_init_error())) }
            h = created
            handles[account] = h
        }
        let sink = Sink()
        let box = Unmanaged.passRetained(sink)
        defer { box.release() }
        ccurl_setopt_string(h, CURLOPT_URL, account.url + path)
        ccurl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        if let ca = account.caFile { ccurl_setopt_string(h, CURLOPT_CAINFO, ca) }
        ccurl_setopt_string(h, CURLOPT_USERNAME, account.username)
        ccurl_setopt_string(h, CURLOPT_PASSWORD, account.password)
        ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, request)
        ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, timeout)
        ccurl_setopt_long(h, CURLOPT_TIMEOUT, timeout * 2)
        ccurl_setopt_write_function(h, { buffer, size, nitems, userdata in
            guard let buffer, let userdata else { return 0 }
            let s = Unmanaged<Sink>.fromOpaque(userdata).takeUnretainedValue()
            s.bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size * nitems))
            return size * nitems
        })
        ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, box.toOpaque())
        let rc = ccurl_easy_perform(h)
        ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, nil)
        guard rc == CURLE_OK else {
            ccurl_easy_cleanup(h)
            handles[account] = nil
            // The URL carries no credential; the text names the mailbox, never the password.
            throw IMAPError(curlCode: Int(rc.rawValue),
                            description: "\(account.mailbox): IMAP \(String(cString: ccurl_easy_strerror(rc))) (curl \(rc.rawValue))")
        }
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    static func firstNumber(after marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        return String(text[r.upperBound...].prefix { $0.isNumber })
    }
}
