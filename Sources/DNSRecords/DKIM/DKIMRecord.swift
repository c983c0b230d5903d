/// A parsed DKIM key record (RFC 6376 3.6.1), the TXT at `<selector>._domainkey.<domain>`.
public struct DKIMRecord: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `v=`, nil when absent (it is optional; when present it must be `DKIM1` and first).
    public var version: String?
    /// `k=`, default `rsa`.
    public var keyType: String
    /// `h=` acceptable hash algorithms, nil = all.
    public var hashAlgorithms: [String]?
    /// `p=` base64 without whitespace; empty = revoked.
    public var publicKey: String
    /// `t=` flags (`y` testing, `s` strict).
    public var flags: [String]
    /// `s=` service types, nil = `*`.
    public var serviceTypes: [String]?
    public var notes: String?

    public init(version: String? = "DKIM1", keyType: String = "rsa", hashAlgorithms: [String]? = nil, publicKey: String,
                flags: [String] = [], serviceTypes: [String]? = nil, notes: String? = nil) {
        self.version = version
        self.keyType = keyType
        self.hashAlgorithms = hashAlgorithms
        self.publicKey = publicKey
        self.flags = flags
        self.serviceTypes = serviceTypes
        self.notes = notes
    }

    public var description: String {
        var tags: [String] = []
        if let version { tags.append("v=\(version)") }
        if let h = hashAlgorithms { tags.append("h=" + h.joined(separator: ":")) }
        tags.append("k=\(keyType)")
        if let s = serviceTypes { tags.append("s=" + s.joined(separator: ":")) }
        if !flags.isEmpty { tags.append("t=" + flags.joined(separator: ":")) }
        if let notes { tags.append("n=\(notes)") }
        tags.append("p=\(publicKey)")
        return tags.joined(separator: "; ")
    }

    /// `<selector>._domainkey.<domain>`.
    public static func name(selector: String, domain: String) -> String {
        DomainName.normalize(selector) + "._domainkey." + DomainName.normalize(domain)
    }

    /// The selector of a `<selector>._domainkey.<domain>` name (mail-platforms.md 1.5:
    /// Mailgun's selector varies; read it from the name).
    public static func selector(fromName name: String) -> String? {
        let n = DomainName.normalize(name)
        guard let r = n.firstRange(of: "._domainkey.") else { return nil }
        let sel = String(n[..<r.lowerBound])
        return sel.isEmpty ? nil : sel
    }

    /// Parses the tag list (syntax and value sets). The key itself is
    /// checked by `decodeKey()`.
    public static func parse(_ text: String) throws(DNSProblem) -> DKIMRecord {
        let tags = try TagList.parse(text, duplicate: .dkimDuplicateTag, syntax: .dkimSyntax, what: "DKIM")
        func val(_ n: String) -> String? { tags.first { $0.name == n }?.value }
        var r = DKIMRecord(version: nil, publicKey: "")
        if let v = val("v") {
            guard tags.first?.name == "v" else { throw .error(.dkimVersion, "'v=' must be the first tag of a DKIM record") }
            guard v == "DKIM1" else { throw .error(.dkimVersion, "v=\(v): the only version is DKIM1") }
            r.version = v
        }
        if let k = val("k") {
            guard ["rsa", "ed25519"].contains(k.lowercased()) else { throw .error(.dkimKeyType, "k=\(k): key types are rsa and ed25519") }
            r.keyType = k.lowercased()
        }
        if let h = val("h") {
            let algs = h.split(separator: ":").map { $0.trimmingWhitespace().lowercased() }
            guard !algs.isEmpty, algs.allSatisfy({ ["sha1", "sha256"].contains($0) }) else {
                throw .error(.dkimUnknownHash, "h=\(h): hash algorithms are sha1 and sha256")
            }
            r.hashAlgorithms = algs
        }
        if let s = val("s") { r.serviceTypes = s.split(separator: ":").map { $0.trimmingWhitespace().lowercased() } }
        if let t = val("t") { r.flags = t.split(separator: ":").map { $0.trimmingWhitespace().lowercased() } }
        r.notes = val("n")
        guard let p = val("p") else { throw .error(.dkimMissingKey, "the required tag 'p=' is missing") }
        r.publicKey = String(p.filter { !$0.isWhitespace })
        return r
    }

    /// Decodes `p=`; throws when it is empty (revoked), not base64, or not a key of `k=`.
    public func decodeKey() throws(DNSProblem) -> DKIMPublicKey {
        guard !publicKey.isEmpty else { throw .error(.dkimRevoked, "p= is empty: the key is revoked") }
        return try DKIMPublicKey.decode(base64: publicKey, keyType: keyType)
    }
}
