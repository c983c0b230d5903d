import _CryptoExtras
import Foundation

/// Real RSA DKIM keys for the mail emulators: the published value carries the
/// base64 SubjectPublicKeyInfo DER, exactly what a verifier would look up.
enum DKIMKeyMaker {
    /// `bits` 2048 (default) or 1024 (Mailgun's `dkim_key_size` option).
    static func publicKeyBase64(bits: Int) throws -> String {
        let key = bits >= 2048
            ? try _RSA.Signing.PrivateKey(keySize: .bits2048)
            : try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
        return key.publicKey.derRepresentation.base64EncodedString()
    }
}
