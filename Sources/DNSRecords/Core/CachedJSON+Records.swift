/// The cached readings of the DNS model: the fields as `JSONEncoder` wrote
/// them (the synthesized `Codable` keys), assigned as `JSONDecoder` would,
/// without the normalising initialisers.
extension DNSRecord: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        let f = try CachedRecordFields(cachedJSON: &r) { r in try RecordType(cachedJSON: &r) }
        self.name = f.name
        self.type = f.type
        self.ttl = f.ttl
        self.priority = f.priority
        self.value = f.value
    }
}

/// The fields every cached record shape has — `DNSRecord`, and the
/// registrar's `ForeignRecord` whose type is any string — read in one place.
public struct CachedRecordFields<TypeValue> {
    public var name: String, type: TypeValue, ttl: Int, priority: Int?, value: String

    public init(cachedJSON r: inout CachedJSONReader, type readType: (inout CachedJSONReader) throws -> TypeValue) throws {
        var name: String?, type: TypeValue?, ttl: Int?, priority: Int?, value: String?
        try r.object { r, key in
            switch key {
            case "name": name = try r.string()
            case "type": type = try readType(&r)
            case "ttl": ttl = try r.int()
            case "priority": priority = try r.null() ? nil : r.int()
            case "value": value = try r.string()
            default: try r.skipValue()
            }
        }
        guard let name else { throw r.missing("name") }
        guard let type else { throw r.missing("type") }
        guard let ttl else { throw r.missing("ttl") }
        guard let value else { throw r.missing("value") }
        (self.name, self.type, self.ttl, self.priority, self.value) = (name, type, ttl, priority, value)
    }
}

extension RecordType: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        self = try r.rawValue(RecordType.self, "record type")
    }
}

extension MailgunRegion: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        self = try r.rawValue(MailgunRegion.self, "Mailgun region")
    }
}

extension WebForward: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var host: String?, location: String?, code: Code?, keepPath: Bool?
        try r.object { r, key in
            switch key {
            case "host": host = try r.string()
            case "location": location = try r.string()
            case "code": code = try r.rawValue(Code.self, "forward code")
            case "keepPath": keepPath = try r.bool()
            default: try r.skipValue()
            }
        }
        guard let host else { throw r.missing("host") }
        guard let location else { throw r.missing("location") }
        guard let code else { throw r.missing("code") }
        guard let keepPath else { throw r.missing("keepPath") }
        self.host = host
        self.location = location
        self.code = code
        self.keepPath = keepPath
    }
}
