import _CryptoExtras
import Foundation

/// Real RSA DKIM keys for the mail emulators: the published value carries the
/// base64 SubjectPublicKeyInfo DER, exactly what a verifier would look up.
enum DKIMKeyMaker {
    /// Key generation is long CPU work (hundreds of ms for 2048 bits in a debug
    /// build), so it runs on its own queue, not on the two cooperative threads
    /// every emulator and client shares (swift-stack.md, general pitfall 2).
    private static let queue = DispatchQueue(label: "sandbox.dkim-keygen", qos: .utility)

    /// `bits` 2048 (default) or 1024 (Mailgun's `dkim_key_size` option).
    static func publicKeyBase64(bits: Int) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                do {
                    let key = bits >= 2048
                        ? try _RSA.Signing.PrivateKey(keySize: .bits2048)
                        : try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
                    continuation.resume(returning: key.publicKey.derRepresentation.base64EncodedString())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
