/// One inventory setting that decided part of a desired record or resource,
/// and where it is written: what `explain` shows beside each item.
public struct SettingOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The setting's path as an operator would search for it: `defaults.ttl`,
    /// `groups.eu-outreach.pool`, `domains.acme-mail.de.inbound`.
    public var setting: String
    /// The value it gave, in words (never a secret: secrets are named by their setting only).
    public var value: String?
    /// nil: not written in the inventory, the built-in default applies.
    public var location: SourceLocation?

    public init(setting: String, value: String? = nil, location: SourceLocation?) {
        self.setting = setting
        self.value = value
        self.location = location.flatMap { $0 == .builtIn ? nil : $0 }
    }

    /// `defaults.ttl = 3600 (inventory/fleet.yaml:43)`
    public var description: String {
        let v = value.map { " = \($0)" } ?? ""
        let at = location.map { "\($0.file):\($0.line)" } ?? "built-in default"
        return "\(setting)\(v) (\(at))"
    }
}
