import Crypto
import Foundation

/// Derives each mailbox's Mailgun SMTP password from one master secret, so the
/// password is never stored (not in git, not in the state file) and `apply` is
/// reproducible: the same inventory always produces the same password, and a
/// rotation is a `version` bump (README "SMTP passwords").
///
/// Scheme: `mac = HMAC-SHA256(key: master secret,
///                            message: "reconcile/mailgun-smtp/v<version>\n<lower-cased address>")`,
/// then 29 base62 characters of `mac` (≈172 bits) followed by one lower-case letter,
/// one upper-case letter and one digit picked by the last three bytes of `mac`.
/// Why: HMAC is a PRF, so one password reveals nothing about the master secret or
/// another mailbox's password; the domain-separated message keeps these MACs
/// distinct from any other use of the secret. Mailgun accepts 5–32 characters
/// (§1.7), so the result is exactly 32; it is alphanumeric (no quoting issues in
/// SMTP AUTH, URLs or shells) and always holds all three character classes in
/// case an account enforces a complexity policy (unverified).
public struct SMTPPasswordDeriver: Sendable {
    /// The scheme version apply sets and the sender logs in with. Rotating every
    /// password is bumping this (the inventory has no per-account version yet).
    public static let currentVersion = 1

    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// `masterSecret` is the resolved value of an `env:` reference; it is never printed.
    public init(masterSecret: String) {
        precondition(!masterSecret.isEmpty, "the SMTP master secret must not be empty")
        keyBytes = Data(masterSecret.utf8)
    }

    public func password(for address: String, version: Int) -> String {
        let message = "reconcile/mailgun-smtp/v\(version)\n\(address.lowercased())"
        let mac = Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
        var out = String(Self.base62(mac).prefix(29))
        let lower = Array("abcdefghijklmnopqrstuvwxyz"), upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), digits = Array("0123456789")
        out.append(lower[Int(mac[29]) % lower.count])
        out.append(upper[Int(mac[30]) % upper.count])
        out.append(digits[Int(mac[31]) % digits.count])
        return out
    }

    /// A Zoho mailbox's password, under its own label so it differs from the
    /// mailbox's Mailgun SMTP password. Apply sets it as a permanent password
    /// (not a one-time one), so the reply poller and an exported sequencer can
    /// log in over IMAP with what the master secret reproduces — nothing stored.
    public func zohoMailboxPassword(for address: String) -> String {
        password(for: "zoho-mailbox:\(address)", version: Self.currentVersion)
    }

    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// Base62 of the bytes read as one big-endian integer (repeated long division), most significant digit first,
    /// left-padded to 43 digits (62^43 > 2^256) so every MAC yields at least 29 digits.
    static func base62(_ bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [Character] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            var next: [UInt8] = []
            next.reserveCapacity(number.count)
            for b in number {
                let acc = remainder * 256 + Int(b)
                next.append(UInt8(acc / 62))
                remainder = acc % 62
            }
            digits.append(alphabet[remainder])
            number = next
        }
        while digits.count < 43 { digits.append("0") }
        return String(digits.reversed())
    }
}
