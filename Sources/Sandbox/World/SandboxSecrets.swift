import Crypto
import Foundation
import Store

/// The sandbox's own values for the secrets no emulator issues (the SMTP
/// master secret, the unsubscribe key, a bot token): a run under `--sandbox`
/// never reads a secret from the environment, so nothing the world stores
/// (the Mailgun emulator keeps each mailbox's SMTP password) can be derived
/// from a production key that happens to be set in the shell.
///
/// Each value is `HMAC-SHA256(world key, NAME)`, the world key 32 random
/// bytes kept next to the world (`sandbox.key`, 0600): values stay the same
/// from run to run, so passwords set by one apply still match the next.
public struct SandboxSecrets: Sendable {
    public static let fileName = "sandbox.key"

    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A fresh key, kept nowhere (a world without a home).
    public init() { keyBytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }

    /// The key of the world kept in `home`, created on first use.
    public init(home: String) throws {
        let path = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/" + Self.fileName
        if FileManager.default.fileExists(atPath: path) {
            PrivateFiles.warnIfExposed(path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count == 32 else {
                throw SandboxStateError(path: path, reason: "not a sandbox key (32 bytes); delete it to make a new one")
            }
            keyBytes = data
        } else {
            let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try PrivateFiles.write(fresh, to: path)
            keyBytes = fresh
        }
    }

    /// The sandbox's value for `env:NAME`.
    public func value(for name: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("reconcile/sandbox-secret\n\(name)".utf8), using: key)
        return "sandbox-" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
