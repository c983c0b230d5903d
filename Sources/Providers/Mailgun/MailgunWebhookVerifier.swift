import Crypto
import Foundation

/// Verifies Mailgun webhook signatures exactly as documented (mail-platforms.md §1.10):
/// `hex(HMAC-SHA256(key: signing key, message: timestamp + token))`, the timestamp
/// taken as the string received, compared in constant time. The HMAC does not cover
/// the body, so `MailgunWebhookGuard` adds a token cache and a freshness window.
public struct MailgunWebhookVerifier: Sendable {
    /// Built once per account, every webhook is verified with it. Crypto
    /// does not mark `SymmetricKey` Sendable; it is immutable once built.
    nonisolated(unsafe) private let key: SymmetricKey

    /// `signingKey` is the account's HTTP webhook signing key, not the API key.
    public init(signingKey: String) {
        key = SymmetricKey(data: Data(signingKey.utf8))
    }

    public func isAuthentic(_ s: MailgunWebhookSignature) -> Bool {
        isAuthentic(timestamp: s.timestamp, token: s.token, signature: s.signature)
    }

    /// Also used for the form-encoded Routes `forward()` POSTs, which carry the same three fields.
    public func isAuthentic(timestamp: String, token: String, signature: String) -> Bool {
        guard !timestamp.isEmpty, !token.isEmpty, let mac = Self.hexBytes(signature), mac.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data((timestamp + token).utf8), using: key)
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

/// The replay policy §1.10 asks to make mandatory: HMAC first, then a freshness
/// window (configurable, generous — retry re-signing is unverified), then a token
/// cache so a re-delivered valid token is acknowledged (200) without re-processing.
public actor MailgunWebhookGuard {
    public enum Verdict: Sendable, Equatable {
        /// Authentic and new: process it, answer 200.
        case accept
        /// Authentic but this token was already accepted: answer 200, do nothing.
        case duplicate
        /// Signature missing or wrong: answer 406 so Mailgun does not retry, and log.
        case forged
        /// Authentic but outside the freshness window: answer 406.
        case stale
    }

    private let verifier: MailgunWebhookVerifier
    private let window: TimeInterval
    private var seen: [String: TimeInterval] = [:]

    public init(verifier: MailgunWebhookVerifier, freshnessWindow: TimeInterval = 6 * 3600) {
        self.verifier = verifier
        self.window = freshnessWindow
    }

    /// `now` is epoch seconds (a clock seam for tests).
    public func check(_ s: MailgunWebhookSignature, now: TimeInterval) -> Verdict {
        guard verifier.isAuthentic(s) else { return .forged }
        guard let ts = TimeInterval(s.timestamp), abs(now - ts) <= window else { return .stale }
        seen = seen.filter { now - $0.value <= window * 2 }
        if seen[s.token] != nil { return .duplicate }
        seen[s.token] = now
        return .accept
    }
}
