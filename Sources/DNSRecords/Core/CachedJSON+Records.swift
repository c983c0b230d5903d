/// The cached readings of the DNS model: the fields as `JSONEncoder` wrote
/// them (the synthesized `Codable` keys), assigned as `JSONDecoder` would,
/// without the normalising initialisers.
extension DNSRecord: CachedJSONDecodable {
    public init(cachedJSON r: inout CachedJSONReader) throws {
        var name: String?, type: RecordType?, ttl: Int?, priority: Int?, value: String?
        try r.object { r, key in
            switch key {
            case "name": name = try r.string()
            case "type": type = try RecordType(cachedJSON: &r)
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
        self.name = name
        self.type = type
        self.ttl = ttl
        self.priority = priority
        self.value = value
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
