import DNSRecords

/// A domain's web forwarding as the registrar should serve it: the apex and,
/// with `www: true`, `www`. A domain without one (no `web:` in effect, or
/// `web: none`) has `DesiredDomain.web == nil` and its forwarding is left alone.
public struct DesiredWeb: Sendable, Hashable, Codable {
    /// Sorted by host (`@` before `www`).
    public var forwards: [WebForward]
    /// Where the `web:` in effect was written, to blame in plan-time refusals.
    public var location: SourceLocation

    public init(forwards: [WebForward], location: SourceLocation) {
        self.forwards = forwards.sorted { $0.host < $1.host }
        self.location = location
    }

    /// The hosts whose forwarding the tool manages; a forward observed at
    /// one of them that is not wanted is removed.
    public static let managedHosts = ["@", "www"]

    public func forward(at host: String) -> WebForward? { forwards.first { $0.host == host } }
}
