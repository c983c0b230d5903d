import Crypto
import Foundation

/// A recipient's address after an erasure request (`reconcile forget`):
/// `sha256:` and the hex SHA-256 of the trimmed, lower-cased address. It
/// stands where the address stood (suppression, send log, outbox), so the
/// rules keep working — the address is never mailed again, the limits keep
/// every send — while the store no longer holds the address itself. Not an
/// address (no `@`), so it never matches one by accident.
public enum ErasedRecipient {
    public static let prefix = "sha256:"

    public static func hash(_ email: String) -> String {
        let normal = EmailAddress.normalize(email)
        // Hex by table, not String(format:): enqueue hashes every row while erased entries exist.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(normal.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return prefix + String(decoding: hex, as: UTF8.self)
    }
}

/// What `forget` found and rewrote for one address.
public struct ErasureReport: Sendable, Equatable {
    public var email: String
    /// Campaign enrollments whose variables (the CSV columns) were deleted.
    public var enrollments = 0
    /// Outbox messages now keyed by the hash (planned ones stopped).
    public var messages = 0
    public var events = 0
    /// Whether the address was suppressed before (else the erasure suppresses it).
    public var wasSuppressed = false

    public init(email: String) { self.email = email }
}

extension ErasureReport: CustomStringConvertible {
    /// One line for `reconcile forget`.
    public var description: String {
        let found = enrollments + messages + events == 0 ? "not in the state"
            : "\(enrollments) enrollment\(enrollments == 1 ? "" : "s") (variables deleted), \(messages) message\(messages == 1 ? "" : "s"), \(events) event\(events == 1 ? "" : "s") now keyed by the hash"
        return "forgot \(email): \(found); suppressed as \(ErasedRecipient.hash(email))\(wasSuppressed ? " (was suppressed)" : "")"
    }
}
