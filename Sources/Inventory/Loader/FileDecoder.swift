/// Decodes one file's YAML tree into a `FileContribution`, reporting every
/// problem into its context. A file is either a fleet file (any of the
/// fleet sections) or a group file (`group:` at the top).
final class FileDecoder {
    let ctx: DecodeContext
    var out = FileContribution()

    static let fleetKeys = ["accounts", "defaults", "warmup", "limits", "alerts", "monitoring", "safety", "costs", "groups", "state"]
    static let groupFileKeys = ["group", "pool", "limits", "domains"]

    init(ctx: DecodeContext) {
        self.ctx = ctx
        out.file = ctx.file
    }

    func decode(_ root: YAMLNode) {
        if case .mapping(let pairs) = root.value,
           pairs.contains(where: { if case .scalar("group", _) = $0.key.value { true } else { false } }) {
            if let g = group(root, path: "", nameKey: "group", ignoring: "x-") { out.groups.append(g) }
            return
        }
        guard let m = MappingReader(root, path: "", ctx: ctx, allowed: Self.fleetKeys,
                                    what: "a mapping of sections (\(Self.fleetKeys.joined(separator: ", "))) or a group file (group, pool, domains)",
                                    ignoring: "x-")
        else { return }
        out.isFleetFile = true
        if let n = m.optional("accounts") { accounts(n, path: "accounts") }
        if let n = m.optional("defaults") {
            out.defaults = defaults(n, path: "defaults").map { Located(value: $0, location: ctx.location(m.keyNode("defaults")!), path: "defaults") }
        }
        if let n = m.optional("warmup") { warmupSchedules(n, path: "warmup") }
        if let n = m.optional("limits") {
            out.limits = limits(n, path: "limits").map { Located(value: $0, location: ctx.location(m.keyNode("limits")!), path: "limits") }
        }
        if let n = m.optional("alerts") {
            out.alerts = alerts(n, path: "alerts").map { Located(value: $0, location: ctx.location(m.keyNode("alerts")!), path: "alerts") }
        }
        if let n = m.optional("monitoring") {
            out.monitoring = monitoring(n, path: "monitoring").map { Located(value: $0, location: ctx.location(m.keyNode("monitoring")!), path: "monitoring") }
        }
        if let n = m.optional("safety") {
            out.safety = safety(n, path: "safety").map { Located(value: $0, location: ctx.location(m.keyNode("safety")!), path: "safety") }
        }
        if let n = m.optional("costs") {
            out.costs = costs(n, path: "costs").map { Located(value: $0, location: ctx.location(m.keyNode("costs")!), path: "costs") }
        }
        if let n = m.optional("state"), let v = stateLocation(n, path: "state") {
            out.state = Located(value: v, location: ctx.location(n), path: "state")
        }
        if let n = m.optional("groups"), let items = ctx.sequence(n, "groups", what: "a list of groups") {
            for (i, item) in items.enumerated() {
                if let g = group(item, path: FieldPath.index("groups", i), nameKey: "name") { out.groups.append(g) }
            }
        }
    }

    func reference(_ name: String, _ target: Reference.Target, _ node: YAMLNode, _ path: String) {
        out.references.append(Reference(name: name, target: target, location: ctx.location(node), path: path))
    }

    /// A name used as a key or reference (`mailgun-us`, `g1`, `standard`).
    func identifier(_ node: YAMLNode, _ path: String) -> String? {
        guard let s = ctx.nonEmptyString(node, path) else { return nil }
        if let p = NameRules.identifierProblem(s) {
            ctx.error(node, path, "'\(DecodeContext.clip(s))' \(p)")
            return nil
        }
        return s
    }
}
