/// The apply safety thresholds (`safety:`): a plan beyond them is refused
/// unless `--allow-destructive` is given (octoDNS's update/delete thresholds).
public struct Safety: Sendable, Hashable, Codable {
    /// Deletes plus updates of a domain's managed records, as a share of them.
    public var maxRewrite: Percentage
    /// More domains losing their Mailgun/Zoho/registrar resources than this is refused.
    public var maxTeardowns: Int
    /// Domains with fewer managed records than this are not held to `maxRewrite`.
    public var minimumManagedRecords: Int
    public var location: SourceLocation

    public init(maxRewrite: Percentage = Percentage(percent: 30), maxTeardowns: Int = 3, minimumManagedRecords: Int = 0,
                location: SourceLocation = .builtIn) {
        self.maxRewrite = maxRewrite
        self.maxTeardowns = maxTeardowns
        self.minimumManagedRecords = minimumManagedRecords
        self.location = location
    }
}
