extension FileDecoder {
    func safety(_ node: YAMLNode, path: String) -> Safety? {
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["max_rewrite", "max_teardowns", "min_managed_records"])
        else { return nil }
        var s = Safety(location: ctx.location(node))
        if let n = m.optional("max_rewrite"), let v = ctx.parsed(n, m.child("max_rewrite"), Percentage.parse) { s.maxRewrite = v }
        if let n = m.optional("max_teardowns"), let v = ctx.int(n, m.child("max_teardowns"), in: 0...100_000) { s.maxTeardowns = v }
        if let n = m.optional("min_managed_records"), let v = ctx.int(n, m.child("min_managed_records"), in: 0...10_000) {
            s.minimumManagedRecords = v
        }
        return s
    }
}
