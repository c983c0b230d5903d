import DNSRecords

/// One action in words, shared by the text and Markdown renderers: a
/// headline (`+ TXT _dmarc "v=DMARC1; p=none" ttl 3600`) and detail lines
/// (`ttl: 300 → 3600`).
struct ActionText {
    var headline: String
    var details: [String]

    init(_ action: PlanAction) {
        let symbol = action.operation.symbol
        var details: [String] = []
        if action.address.kind == .webForward, let shown = action.operation == .delete ? action.before : action.after {
            // `+ web forward @ → https://acme.com (301)`, like a record: the value in the headline.
            let forward = shown.forward(host: action.address.identity)
            headline = "\(symbol) web forward \(forward?.description ?? action.address.identity)"
            if action.operation == .update { details = Self.changes(action) }
        } else if action.address.kind == .dnsRecord, let shown = action.before ?? action.after {
            headline = "\(symbol) \(Self.record(shown, zone: action.address.domain))"
            if action.operation == .update { details = Self.changes(action) }
        } else {
            let identity = action.address.identity.isEmpty ? "" : " \(action.address.identity)"
            headline = "\(symbol) \(action.operation == .verify || action.operation == .wait ? "\(action.operation.rawValue) " : "")"
                + "\(action.address.kind.label)\(identity)"
            switch action.operation {
            case .create:
                details = (action.after?.sortedKeys ?? []).map { "\($0) = \(Self.show(action.after?[$0], $0))" }
            case .update:
                details = Self.changes(action)
            case .delete, .verify, .wait:
                break
            }
        }
        if let note = action.note { details.append("# \(note)") }
        self.details = details
    }

    /// `ttl: 300 → 3600`, one line per changed attribute.
    static func changes(_ action: PlanAction) -> [String] {
        action.changedAttributes.map { key in "\(key): \(show(action.before?[key], key)) → \(show(action.after?[key], key))" }
    }

    /// `TXT _dmarc "v=DMARC1; p=none" ttl 3600`, `MX @ 10 mx.zoho.com ttl 3600`.
    static func record(_ state: ResourceState, zone: String) -> String {
        let type = state["type"]?.description ?? "?"
        let name = state["name"].map { DomainName.relative($0.description, zone: zone) } ?? "?"
        let prio = state["priority"].map { "\($0) " } ?? ""
        let ttl = state["ttl"].map { " ttl \($0)" } ?? ""
        return "\(type) \(name.isEmpty ? "@" : name) \(prio)\(show(state["value"], type == "TXT" ? "txt" : "value"))\(ttl)"
    }

    static func record(_ r: DNSRecord, zone: String) -> String { record(ResourceState(record: r), zone: zone) }

    static func show(_ value: PlanValue?, _ key: String) -> String {
        guard let value else { return "(none)" }
        if case .string(let s) = value, key == "txt" { return "\"\(s)\"" }
        return value.description
    }
}
