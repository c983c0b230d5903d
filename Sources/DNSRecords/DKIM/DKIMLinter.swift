/// Checks a DKIM TXT value: tags, a decodable public key, and an RSA key of
/// at least 1024 bits (RFC 8301 3.2: smaller keys must not be used).
public enum DKIMLinter {
    public static func lint(_ text: String, name: String? = nil) -> [DNSProblem] {
        var out: [DNSProblem] = []
        func add(_ p: DNSProblem) { var p = p; p.name = name; out.append(p) }
        let r: DKIMRecord
        do { r = try DKIMRecord.parse(text) } catch { add(error); return out }
        do {
            if case .rsa(let bits, let e) = try r.decodeKey() {
                if bits < DKIMPublicKey.minimumRSABits {
                    add(.error(.dkimWeakKey, "the RSA key has \(bits) bits; at least \(DKIMPublicKey.minimumRSABits) are required"))
                }
                if let e, e < 3 || e % 2 == 0 {
                    add(.error(.dkimBadKey, "the RSA public exponent \(e) is invalid"))
                }
            }
        } catch { add(error) }
        if r.version == nil { add(.warning(.dkimVersion, "no 'v=DKIM1' tag; some verifiers expect it")) }
        if let h = r.hashAlgorithms, !h.contains("sha256") {
            add(.warning(.dkimUnknownHash, "h= allows only sha1, which verifiers reject (RFC 8301)"))
        }
        if r.flags.contains("y") { add(.warning(.dkimTesting, "t=y: the domain is in DKIM testing mode")) }
        return out
    }
}
