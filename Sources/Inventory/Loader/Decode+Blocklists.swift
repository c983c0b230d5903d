extension FileDecoder {
    /// `monitoring.blocklists`: each item a zone name, or a mapping with
    /// `zone`, an optional `key` (an `env:` secret) and optional `codes`.
    func blocklists(_ node: YAMLNode, path: String) -> [Blocklist] {
        guard let items = ctx.sequence(node, path, what: "a list of blocklist zones") else { return [] }
        var out: [Blocklist] = []
        var seen: Set<String> = []
        for (i, item) in items.enumerated() {
            let at = FieldPath.index(path, i)
            var zoneNode = item, zonePath = at
            var key: SecretRef?
            var codes: BlocklistCodes?
            if case .mapping = item.value {
                guard let m = MappingReader(item, path: at, ctx: ctx, allowed: ["zone", "key", "codes"]),
                      let z = m.required("zone") else { continue }
                (zoneNode, zonePath) = (z, m.child("zone"))
                if let k = m.optional("key") { key = ctx.secret(k, m.child("key")) }
                if let c = m.optional("codes") {
                    codes = ctx.word(c, m.child("codes"), BlocklistCodes.allCases.map { ($0.rawValue, $0) }, what: "return-code convention")
                }
            }
            guard let raw = ctx.nonEmptyString(zoneNode, zonePath) else { continue }
            let zone = raw.lowercased().hasSuffix(".") ? String(raw.lowercased().dropLast()) : raw.lowercased()
            if let problem = NameRules.domainProblem(zone) {
                ctx.error(zoneNode, zonePath, "'\(DecodeContext.clip(raw))' is not a DNS zone: it \(problem)")
                continue
            }
            guard seen.insert(zone).inserted else {
                ctx.error(zoneNode, zonePath, "\(zone) is listed twice")
                continue
            }
            out.append(Blocklist(zone: zone, key: key, codes: codes, location: ctx.location(item)))
        }
        return out
    }
}
