/// Options of `POST /v4/domains` the reconciler sets (mail-platforms.md §1.4).
public struct MailgunDomainSpec: Sendable, Hashable {
    public var name: String
    /// 1024 or 2048.
    public var dkimKeySize: Int?
    /// An RFC 2822 atom (`foobar`, not `foo.bar`); nil lets Mailgun choose.
    public var dkimSelector: String?
    public var spamAction: String?
    public var webScheme: String?
    public var webPrefix: String?
    public var wildcard: Bool?

    public init(name: String, dkimKeySize: Int? = 2048, dkimSelector: String? = nil, spamAction: String? = nil,
                webScheme: String? = nil, webPrefix: String? = nil, wildcard: Bool? = nil) {
        self.name = name; self.dkimKeySize = dkimKeySize; self.dkimSelector = dkimSelector
        self.spamAction = spamAction; self.webScheme = webScheme; self.webPrefix = webPrefix; self.wildcard = wildcard
    }

    var formFields: [(String, String)] {
        var f: [(String, String)] = [("name", name)]
        if let dkimKeySize { f.append(("dkim_key_size", String(dkimKeySize))) }
        if let dkimSelector { f.append(("dkim_selector", dkimSelector)) }
        if let spamAction { f.append(("spam_action", spamAction)) }
        if let webScheme { f.append(("web_scheme", webScheme)) }
        if let webPrefix { f.append(("web_prefix", webPrefix)) }
        // Booleans go as the strings `true`/`false`.
        if let wildcard { f.append(("wildcard", wildcard ? "true" : "false")) }
        return f
    }
}

/// A route as the reconciler wants it. `description` carries the stable identity
/// used to find the route again, because ids are Mailgun-generated (§1.13).
public struct MailgunRouteSpec: Sendable, Hashable {
    public var priority: Int
    public var description: String
    public var expression: String
    public var actions: [String]

    public init(priority: Int, description: String, expression: String, actions: [String]) {
        self.priority = priority; self.description = description; self.expression = expression; self.actions = actions
    }

    var formFields: [(String, String)] {
        [("priority", String(priority)), ("description", description), ("expression", expression)]
            + actions.map { ("action", $0) }
    }

    public func matches(_ r: MailgunRoute) -> Bool {
        r.priority == priority && r.description == description && r.expression == expression && r.actions == actions
    }
}
