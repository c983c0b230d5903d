/// An HTTP redirect a registrar serves for one host of a domain: what the
/// inventory's `web:` compiles to and what a registrar's URL forwarding
/// reports (Porkbun's forwards, Namecheap's `URL301`/`URL` host rows).
/// Defined here, in the root module, so the compiler, the providers and the
/// reconciler compare one value.
public struct WebForward: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: Int, Sendable, Hashable, Codable, CaseIterable {
        case permanent = 301
        case temporary = 302
    }

    /// Relative to the zone: `@` (the apex) or a label such as `www`.
    public var host: String
    /// Where visitors go: an absolute `https://` URL.
    public var location: String
    public var code: Code
    /// The request path is appended to `location` (`/pricing` → `https://acme.com/pricing`).
    public var keepPath: Bool

    public init(host: String, location: String, code: Code = .permanent, keepPath: Bool = true) {
        let h = host.lowercased()
        self.host = h.isEmpty ? "@" : h
        self.location = location
        self.code = code
        self.keepPath = keepPath
    }

    /// `@ → https://acme.com (301)`, `www → https://acme.com (302, path dropped)`.
    public var description: String {
        "\(host) → \(location) (\(code.rawValue)\(keepPath ? "" : ", path dropped"))"
    }
}
