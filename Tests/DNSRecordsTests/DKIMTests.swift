import Testing
@testable import DNSRecords

@Suite struct DKIMTests {
    @Test(arguments: [1024, 2048, 4096])
    func acceptsRealRSAKeys(bits: Int) throws {
        let p = try OpenSSLKeys.rsaPublicKey(bits: bits)
        let text = "v=DKIM1; k=rsa; p=\(p)"
        #expect(DKIMLinter.lint(text).isEmpty)
        let r = try DKIMRecord.parse(text)
        #expect(try r.decodeKey() == .rsa(modulusBits: bits, exponent: 65537))
    }

    @Test func rejectsA512BitKey() throws {
        let p = try OpenSSLKeys.rsaPublicKey(bits: 512)
        let problems = DKIMLinter.lint("v=DKIM1; k=rsa; p=\(p)", name: "mx._domainkey.acme.com")
        #expect(problems.map(\.code) == [.dkimWeakKey])
        #expect(problems.first?.message == "the RSA key has 512 bits; at least 1024 are required")
        #expect(problems.first?.name == "mx._domainkey.acme.com")
    }

    @Test func acceptsABarePKCS1Key() throws {
        let p = try OpenSSLKeys.rsaPublicKey(bits: 1024, pkcs1: true)
        #expect(try DKIMRecord.parse("p=\(p)").decodeKey() == .rsa(modulusBits: 1024, exponent: 65537))
    }

    @Test func keyMayBeFoldedAcrossWhitespace() throws {
        let p = try OpenSSLKeys.rsaPublicKey(bits: 2048)
        let folded = stride(from: 0, to: p.count, by: 64).map { i in
            String(p.dropFirst(i).prefix(64))
        }.joined(separator: " \t")
        let r = try DKIMRecord.parse("v=DKIM1; k=rsa; p=\(folded)")
        #expect(r.publicKey == p)
        #expect(try r.decodeKey() == .rsa(modulusBits: 2048, exponent: 65537))
    }

    @Test func acceptsEd25519() throws {
        let p = try OpenSSLKeys.ed25519PublicKey()
        #expect(DKIMLinter.lint("v=DKIM1; k=ed25519; p=\(p)").isEmpty)
        #expect(DKIMLinter.lint("v=DKIM1; k=ed25519; p=\(try OpenSSLKeys.rsaPublicKey(bits: 1024))").map(\.code) == [.dkimBadKey])
    }

    @Test func a2048BitKeyNeedsSeveralTXTStrings() throws {
        let text = "v=DKIM1; k=rsa; p=\(try OpenSSLKeys.rsaPublicKey(bits: 2048))"
        let chunks = TXTWire.chunks(text)
        #expect(chunks.count == 2)
        #expect(DKIMLinter.lint(try TXTWire.parsePresentation(TXTWire.presentation(text))).isEmpty)
    }

    @Test(arguments: [
        ("v=DKIM1; k=rsa; p=", DNSProblem.Code.dkimRevoked),
        ("v=DKIM1; k=rsa", .dkimMissingKey),
        ("v=DKIM2; p=AAAA", .dkimVersion),
        ("k=rsa; v=DKIM1; p=AAAA", .dkimVersion),
        ("v=DKIM1; k=dsa; p=AAAA", .dkimKeyType),
        ("v=DKIM1; h=md5; p=AAAA", .dkimUnknownHash),
        ("v=DKIM1; p=AAAA; p=BBBB", .dkimDuplicateTag),
        ("v=DKIM1; k=rsa; p=not*base64", .dkimBadBase64),
        ("v=DKIM1; k=rsa; p=AAA=A", .dkimBadBase64),
        ("v=DKIM1; k=rsa; p=QUJD", .dkimBadKey),                  // "ABC"
        ("v=DKIM1; k=rsa; p=MAA=", .dkimBadKey),                  // empty SEQUENCE
        ("v=DKIM1; k=rsa; p=MIQAAAAB", .dkimBadKey),              // 4-byte length beyond the data
        ("v=DKIM1; k=rsa; p=MIEGAgEBAgED", .dkimBadKey),          // long-form length for a short value
        ("v=DKIM1; k=rsa; p=MAYCAf8CAQM=", .dkimBadKey),          // negative modulus
        ("v=DKIM1; k=ed25519; p=AAAA", .dkimBadKey),
        ("v=DKIM1; k=rsa; x", .dkimSyntax),
    ])
    func rejects(_ text: String, _ code: DNSProblem.Code) {
        #expect(DKIMLinter.lint(text).filter(\.isError).map(\.code) == [code])
    }

    @Test func tinyHandMadeKeyReportsItsSize() {
        // SEQUENCE { INTEGER 0x7f (7 bits), INTEGER 3 }
        #expect(DKIMLinter.lint("v=DKIM1; p=MAYCAX8CAQM=").map(\.message) == ["the RSA key has 7 bits; at least 1024 are required"])
        // exponent 2 is even
        #expect(DKIMLinter.lint("v=DKIM1; p=MAYCAX8CAQI=").map(\.code) == [.dkimWeakKey, .dkimBadKey])
    }

    @Test func warnings() throws {
        let p = try OpenSSLKeys.rsaPublicKey(bits: 1024)
        #expect(DKIMLinter.lint("k=rsa; p=\(p)").map(\.code) == [.dkimVersion])
        #expect(DKIMLinter.lint("v=DKIM1; h=sha1; p=\(p)").map(\.code) == [.dkimUnknownHash])
        #expect(DKIMLinter.lint("v=DKIM1; t=y; p=\(p)").map(\.code) == [.dkimTesting])
        #expect(DKIMLinter.lint("v=DKIM1; t=y; p=\(p)").allSatisfy { !$0.isError })
    }

    @Test func garbageNeverCrashes() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let n = Int.random(in: 0..<64, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let b64 = Base64Encoding.encode(bytes)
            _ = DKIMLinter.lint("v=DKIM1; k=rsa; p=" + b64)
            // also DER-looking prefixes
            _ = DKIMLinter.lint("v=DKIM1; k=rsa; p=" + Base64Encoding.encode([0x30, UInt8(n)] + bytes))
        }
    }

    @Test func roundTripsTheRecordText() throws {
        let r = try DKIMRecord.parse("v=DKIM1; h=sha256; k=rsa; s=email; t=s; p=AAAA")
        #expect(r.description == "v=DKIM1; h=sha256; k=rsa; s=email; t=s; p=AAAA")
    }
}

/// Encoder for the fuzz test only (the module decodes; it never needs to encode).
enum Base64Encoding {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    static func encode(_ b: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = (UInt32(b[i]) << 16) | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            for k in 0..<4 {
                out.append(k <= n ? alphabet[Int((v >> (18 - 6 * UInt32(k))) & 63)] : "=")
            }
            i += 3
        }
        return out
    }
}
