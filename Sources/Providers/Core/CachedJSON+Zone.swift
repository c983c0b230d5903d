import DNSRecords

/// The cached zone read without `JSONDecoder` (see `CachedJSONDecodable`):
/// the same keys and the same initialiser as `ObservedZone.init(from:)`.
extension ObservedZone: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var domain: String?, records: [DNSRecord]?, foreign: [ForeignRecord]?, defaults: [RecordRef]?
        var forwards: [WebForward] = []
        try r.object { r, key in
            switch key {
            case "domain": domain = try r.string()
            case "records": records = try r.list(DNSRecord.self)
            case "foreign": foreign = try r.list(ForeignRecord.self)
            case "registrarDefaults": defaults = try r.list(RecordRef.self)
            case "forwards":
                // `decodeIfPresent`: absent or null is none.
                if try !r.null() { forwards = try r.list(WebForward.self) }
            default: try r.skipValue()
            }
        }
        guard let domain else { throw r.missing("domain") }
        guard let records else { throw r.missing("records") }
        guard let foreign else { throw r.missing("foreign") }
        guard let defaults else { throw r.missing("registrarDefaults") }
        self.init(domain: domain, records: records, foreign: foreign, registrarDefaults: defaults, forwards: forwards)
    }
}

extension ForeignRecord: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        let f = try CachedRecordFields(cachedJSON: &r) { r in try r.string() }
        self.name = f.name
        self.type = f.type
        self.ttl = f.ttl
        self.priority = f.priority
        self.value = f.value
    }
}

extension RecordRef: CachedJSONDecodable {
    /// The synthesized enum coding: `{"managed":{"_0":{…}}}` / `{"foreign":{"_0":{…}}}`.
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var found: RecordRef?
        try r.object { r, key in
            guard found == nil else { throw r.failure("more than one case") }
            switch key {
            case "managed", "foreign":
                try r.object { r, inner in
                    guard inner == "_0", found == nil else { throw r.failure("unexpected key \"\(inner)\"") }
                    found = key == "managed" ? .managed(try DNSRecord(cachedJSON: &r)) : .foreign(try ForeignRecord(cachedJSON: &r))
                }
            default: throw r.failure("unknown record reference \"\(key)\"")
            }
        }
        guard let found else { throw r.missing("managed") }
        self = found
    }
}

extension MailgunRoute: CachedJSONDecodable {
    /// As `init(from:)`: priority a number or a numeric string, description
    /// and actions defaulting to empty.
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var id: String?, priority: Int?, description: String?, expression: String?, actions: [String]?, createdAt: String?
        try r.object { r, key in
            switch key {
            case "id": id = try r.string()
            case "priority":
                if try r.null() { priority = 0 }
                else if try r.peek() == UInt8(ascii: "\"") { priority = Int(try r.string()) ?? 0 }
                else { priority = try r.int() }
            case "description": description = try r.null() ? nil : r.string()
            case "expression": expression = try r.string()
            case "actions": actions = try r.null() ? nil : r.strings()
            case "created_at": createdAt = try r.null() ? nil : r.string()
            default: try r.skipValue()
            }
        }
        guard let id else { throw r.missing("id") }
        guard let expression else { throw r.missing("expression") }
        self.init(id: id, priority: priority ?? 0, description: description ?? "", expression: expression,
                  actions: actions ?? [], createdAt: createdAt)
    }
}
