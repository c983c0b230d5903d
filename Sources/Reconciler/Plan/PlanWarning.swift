/// Something a plan cannot fix by itself and a person must see: printed
/// under the plan, kept in the plan file, turned into alerts by `drift`.
public struct PlanWarning: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable, Comparable {
        /// The registration expires within `monitoring.expiry_warning` and auto-renew is off.
        case registrationExpiring = "registration-expiring"
        /// The inventory's `auto_renew` differs and the registrar's API cannot set it.
        case autoRenewUnsettable = "auto-renew-unsettable"

        public static func < (a: Code, b: Code) -> Bool { a.rawValue < b.rawValue }
    }

    public var domain: String
    public var code: Code
    public var text: String

    public init(domain: String, code: Code, text: String) { self.domain = domain; self.code = code; self.text = text }

    public var description: String { "\(domain): \(text)" }
}

extension PlanBuilder {
    mutating func warn(_ domain: String, _ code: PlanWarning.Code, _ text: String) {
        warnings.append(PlanWarning(domain: domain, code: code, text: text))
    }
}
