/// Names close to one that is not known, for "did you mean" lists.
public enum NearNames {
    /// Up to `limit` of `names`, nearest first: within a few edits, or
    /// sharing the first label (`acme-mail.com` for `acme-mail.de`), or
    /// containing one another.
    public static func near(_ name: String, in names: some Sequence<String>, limit: Int = 5) -> [String] {
        let w = name.lowercased()
        guard w.unicodeScalars.count <= 253 else { return [] }
        let label = w.split(separator: ".").first.map(String.init) ?? w
        let budget = max(2, w.count / 4)
        let scored = names.compactMap { n -> (Int, String)? in
            let c = n.lowercased()
            let d = Suggest.distance(w, c)
            let related = d <= budget || c.split(separator: ".").first.map(String.init) == label
                || (label.count >= 4 && c.contains(label)) || (c.count >= 4 && w.contains(c))
            return related ? (d, n) : nil
        }
        return scored.sorted { $0 < $1 }.prefix(limit).map(\.1)
    }
}
