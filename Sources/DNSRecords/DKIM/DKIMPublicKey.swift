/// The public key of a DKIM record, decoded far enough to judge it.
public enum DKIMPublicKey: Sendable, Hashable {
    /// `modulusBits`: the bit length of n; `exponent` when it fits 64 bits.
    case rsa(modulusBits: Int, exponent: UInt64?)
    case ed25519

    public static let minimumRSABits = 1024

    static let rsaEncryptionOID: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]

    /// Decodes `p=` for key type `k=`. RSA keys are DER SubjectPublicKeyInfo
    /// (what RFC 6376 specifies and every provider publishes) or, leniently,
    /// a bare PKCS#1 RSAPublicKey.
    public static func decode(base64 text: String, keyType: String) throws(DNSProblem) -> DKIMPublicKey {
        guard let der = Base64.decode(text) else {
            throw .error(.dkimBadBase64, "p= is not valid base64")
        }
        switch keyType {
        case "ed25519":
            guard der.count == 32 else { throw .error(.dkimBadKey, "an ed25519 key is 32 bytes; p= holds \(der.count)") }
            return .ed25519
        case "rsa":
            if let k = rsaFromSPKI(der[...]) ?? rsaFromPKCS1(der[...]) { return k }
            throw .error(.dkimBadKey, "p= is not a DER-encoded RSA public key")
        default:
            throw .error(.dkimKeyType, "k=\(keyType) is not a DKIM key type (rsa, ed25519)")
        }
    }

    static func rsaFromSPKI(_ der: ArraySlice<UInt8>) -> DKIMPublicKey? {
        var outer = DERReader(der)
        guard let spki = outer.next(tag: DERReader.sequence), outer.isAtEnd else { return nil }
        var r = DERReader(spki)
        guard let algorithm = r.next(tag: DERReader.sequence), let bits = r.next(tag: DERReader.bitString), r.isAtEnd else { return nil }
        var a = DERReader(algorithm)
        guard let oid = a.next(tag: DERReader.objectIdentifier), Array(oid) == rsaEncryptionOID else { return nil }
        // BIT STRING: first byte is the count of unused bits, 0 for a key.
        guard bits.first == 0 else { return nil }
        return rsaFromPKCS1(bits.dropFirst())
    }

    static func rsaFromPKCS1(_ der: ArraySlice<UInt8>) -> DKIMPublicKey? {
        var outer = DERReader(der)
        guard let seq = outer.next(tag: DERReader.sequence), outer.isAtEnd else { return nil }
        var r = DERReader(seq)
        guard let n = r.next(tag: DERReader.integer), let e = r.next(tag: DERReader.integer), r.isAtEnd else { return nil }
        // INTEGERs are two's complement: a positive value with the top bit set carries a leading 0.
        guard let nFirst = n.first, nFirst & 0x80 == 0, let eFirst = e.first, eFirst & 0x80 == 0 else { return nil }
        let mag = n.drop(while: { $0 == 0 })
        guard let top = mag.first else { return nil }
        let bits = (mag.count - 1) * 8 + (8 - top.leadingZeroBitCount)
        let eMag = e.drop(while: { $0 == 0 })
        var exponent: UInt64?
        if eMag.count <= 8 { exponent = eMag.reduce(0) { $0 << 8 | UInt64($1) } }
        return .rsa(modulusBits: bits, exponent: exponent)
    }
}
