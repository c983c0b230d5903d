/// Name normalisation shared by every provider and the compiler, so that case
/// and trailing-dot differences never show up as drift.
public enum DomainName {
    /// Lower-cased, trimmed, without a trailing dot. `@` and empty stay empty
    /// (callers resolve them against the zone with `absolute(_:zone:)`).
    public static func normalize(_ name: String) -> String {
        // Most names arrive normalised already (the cache, the compiled
        // inventory): keep them without lower-casing into a new string.
        if isNormalized(name) { return name }
        var n = name.trimmingWhitespace().lowercased()
        while n.hasSuffix(".") { n.removeLast() }
        return n
    }

    /// Printable ASCII without upper case and not ending in a dot: what
    /// `normalize` would return unchanged.
    static func isNormalized(_ name: String) -> Bool {
        var last: UInt8 = 0
        for b in name.utf8 {
            if b <= 0x20 || b >= 0x7F || (b >= 0x41 && b <= 0x5A) { return false }
            last = b
        }
        return last != UInt8(ascii: ".")
    }

    /// The absolute name of `host` inside `zone`: `""`/`"@"` is the apex,
    /// a name already ending in the zone is kept, anything else is relative.
    public static func absolute(_ host: String, zone: String) -> String {
        let z = normalize(zone)
        let h = host.trimmingWhitespace()
        if h.isEmpty || h == "@" { return z }
        if h.hasSuffix(".") { return normalize(h) }
        let n = normalize(h)
        if n == z || n.hasSuffix("." + z) { return n }
        return n + "." + z
    }

    /// The name relative to `zone`: `""` for the apex, `mx._domainkey` for
    /// `mx._domainkey.acme-mail.com`. Names outside the zone are returned whole.
    public static func relative(_ name: String, zone: String) -> String {
        let n = normalize(name), z = normalize(zone)
        if n == z { return "" }
        if n.hasSuffix("." + z) { return String(n.dropLast(z.count + 1)) }
        return n
    }
}
