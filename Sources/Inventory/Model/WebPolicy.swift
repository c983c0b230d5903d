import DNSRecords

/// `web:` under `defaults`, a group or a domain: what a visitor who types the
/// domain into a browser gets. The nearest declaration wins as a whole
/// (domain, then group, then defaults), like `inbound:`.
public enum WebPolicy: Sendable, Hashable, Codable {
    /// `web: none`: the tool leaves the domain's web forwarding alone.
    case none
    case forward(WebForwarding)
}

/// `web: { forward_to: https://acme.com, code: 301, path: keep, www: true }`.
public struct WebForwarding: Sendable, Hashable, Codable {
    /// An absolute https URL.
    public var forwardTo: String
    public var code: WebForward.Code
    /// `path: keep` (default) appends the visited path; `drop` always lands on `forwardTo`.
    public var keepPath: Bool
    /// Forward `www.<domain>` as well as the apex.
    public var www: Bool
    public var location: SourceLocation

    public init(forwardTo: String, code: WebForward.Code = .permanent, keepPath: Bool = true, www: Bool = false,
                location: SourceLocation = .builtIn) {
        self.forwardTo = forwardTo
        self.code = code
        self.keepPath = keepPath
        self.www = www
        self.location = location
    }

    /// The forwards a registrar serves: the apex, and `www` when asked.
    public var forwards: [WebForward] {
        (www ? ["@", "www"] : ["@"]).map { WebForward(host: $0, location: forwardTo, code: code, keepPath: keepPath) }
    }
}
