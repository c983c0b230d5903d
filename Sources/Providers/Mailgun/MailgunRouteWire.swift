/// Routes wire shapes (mail-platforms.md §1.13). Routes are account-level but region-bound.

public struct MailgunRoute: Sendable, Hashable, Codable {
    public var id: String
    public var priority: Int
    public var description: String
    public var expression: String
    /// Returned as the exact strings sent.
    public var actions: [String]
    public var createdAt: String?

    public init(id: String, priority: Int, description: String, expression: String, actions: [String], createdAt: String?) {
        self.id = id; self.priority = priority; self.description = description
        self.expression = expression; self.actions = actions; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, priority, description, expression, actions
        case createdAt = "created_at"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        // Tolerate priority as a string, like other Mailgun numbers.
        if let p = try? c.decode(Int.self, forKey: .priority) { priority = p }
        else { priority = Int(try c.decodeIfPresent(String.self, forKey: .priority) ?? "0") ?? 0 }
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        expression = try c.decode(String.self, forKey: .expression)
        actions = try c.decodeIfPresent([String].self, forKey: .actions) ?? []
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt)
    }
}

public struct MailgunRouteList: Sendable, Hashable, Codable {
    public var totalCount: Int
    public var items: [MailgunRoute]
    public init(totalCount: Int, items: [MailgunRoute]) { self.totalCount = totalCount; self.items = items }
    enum CodingKeys: String, CodingKey { case items; case totalCount = "total_count" }
}

/// `{"message", "route": {...}}` (create, get, documented update) **or** the
/// recorded flat update `{<route fields>, "message"}` — both decode.
public struct MailgunRouteResponse: Sendable, Hashable, Codable {
    public var message: String?
    public var route: MailgunRoute

    public init(message: String?, route: MailgunRoute) { self.message = message; self.route = route }

    enum CodingKeys: String, CodingKey { case message, route }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        message = try c.decodeIfPresent(String.self, forKey: .message)
        if c.contains(.route) {
            route = try c.decode(MailgunRoute.self, forKey: .route)
        } else {
            route = try MailgunRoute(from: decoder)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(message, forKey: .message)
        try c.encode(route, forKey: .route)
    }
}

/// Builders for the route filters and actions the reconciler uses.
public enum MailgunRouteDSL {
    /// `match_recipient("^alice@example\.com$")` with regex metacharacters escaped (§1.13).
    public static func matchRecipient(exactly address: String) -> String {
        "match_recipient(\"^\(escapeRegex(address))$\")"
    }
    public static func matchRecipient(pattern: String) -> String { "match_recipient(\"\(pattern)\")" }
    public static let catchAll = "catch_all()"
    public static func forward(_ destination: String) -> String { "forward(\"\(destination)\")" }
    public static let stop = "stop()"

    public static func escapeRegex(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\^$.|?*+()[]{}".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
