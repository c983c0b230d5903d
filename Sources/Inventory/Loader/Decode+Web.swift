import DNSRecords

extension FileDecoder {
    /// `web: none`, or `web: { forward_to: https://…, code: 301|302, path: keep|drop, www: BOOL }`.
    func web(_ node: YAMLNode, path: String) -> WebPolicy? {
        if case .scalar = node.value {
            guard ctx.word(node, path, [("none", ())], what: "web setting (none, or a mapping with forward_to)") != nil
            else { return nil }
            return WebPolicy.none
        }
        guard let m = MappingReader(node, path: path, ctx: ctx, allowed: ["forward_to", "code", "path", "www"],
                                    what: "none or a mapping with forward_to") else { return nil }
        var ok = true
        var target: String?
        if let t = m.required("forward_to"), let s = ctx.nonEmptyString(t, m.child("forward_to")) {
            // A registrar's redirect needs an absolute URL; http would send
            // visitors to an unencrypted site from a domain we mail from.
            if NameRules.isHTTPURL(s, httpsOnly: true) { target = s } else {
                ctx.error(t, m.child("forward_to"), "'\(DecodeContext.clip(s))' is not an https URL (e.g. https://acme.com)")
            }
        }
        var f = WebForwarding(forwardTo: "", location: ctx.location(node))
        if let n = m.optional("code") {
            if let c = ctx.word(n, m.child("code"), WebForward.Code.allCases.map { (String($0.rawValue), $0) }, what: "redirect code") {
                f.code = c
            } else { ok = false }
        }
        if let n = m.optional("path") {
            if let keep = ctx.word(n, m.child("path"), [("keep", true), ("drop", false)], what: "path handling") {
                f.keepPath = keep
            } else { ok = false }
        }
        if let n = m.optional("www") {
            if let w = ctx.bool(n, m.child("www")) { f.www = w } else { ok = false }
        }
        guard ok, let target else { return nil }
        f.forwardTo = target
        return .forward(f)
    }
}
