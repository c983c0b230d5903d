import Crypto
import Foundation
import Inventory

/// Opaque per-recipient unsubscribe token: the address plus an HMAC, so the
/// one-click endpoint can trust it without a lookup and nobody can forge one
/// for someone else (sending.md §1.4).
public struct UnsubscribeLink: Sendable {
    let secret: Data
    let baseURL: String

    public init(baseURL: String, secret: String) {
        self.secret = Data(secret.utf8)
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The fleet's link, its secret resolved: the one definition the sender
    /// (building links) and `serve` (checking them) share.
    public init(fleet: SendingFleet, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let secret: String
        do { secret = try SecretRef.resolve(fleet.unsubscribe.secret, environment: environment) } catch { throw SenderError.configuration("\(error)") }
        self.init(baseURL: fleet.unsubscribe.baseURL, secret: secret)
    }

    public func token(for email: String) -> String {
        let e = email.lowercased()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(e.utf8), using: SymmetricKey(data: secret))
        return Self.base64url(Data(e.utf8)) + "." + String(Self.base64url(Data(mac)).prefix(22))
    }

    /// The address a token was made for, if the token is genuine.
    public func verify(_ token: String) -> String? {
        let parts = token.split(separator: ".")
        guard parts.count == 2, let data = Self.unbase64url(String(parts[0])) else { return nil }
        let email = String(decoding: data, as: UTF8.self)
        return token == self.token(for: email) ? email : nil
    }

    public func url(for email: String) -> String { "\(baseURL)/\(token(for: email))" }

    static func base64url(_ d: Data) -> String {
        d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
    static func unbase64url(_ s: String) -> Data? {
        var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while t.count % 4 != 0 { t += "=" }
        return Data(base64Encoded: t)
    }
}
