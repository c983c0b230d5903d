import Inventory
import Foundation

/// `reconcile explain` for a terminal: each item with its status, the
/// desired and observed values, why, and the settings (FILE:LINE) behind it.
public struct ExplainTextRenderer: Sendable {
    public init() {}

    public func render(_ e: DomainExplanation) -> String {
        var out = "\(e.domain): group \(e.group), \(e.role.rawValue), inbound \(e.inbound.rawValue)\n"
        out += "  declared at \(at(e.entry))\n"
        if let when = e.observedAt {
            out += "  observed \(Self.time(when))\(e.fromCache == true ? " (from the observation cache; --refresh full re-reads)" : "")\n"
        }
        if let b = e.blocked { out += "  blocked: \(b)\n" }
        for w in e.warnings { out += "  warning: \(w)\n" }
        out += section("DNS records", e.records)
        out += section("Resources", e.resources)
        let all = e.records + e.resources
        let counts = ExplainStatus.allCases.compactMap { s -> String? in
            let n = all.filter { $0.status == s }.count
            return n == 0 ? nil : "\(n) \(label(s))"
        }
        out += "\n\(all.count) items: \(counts.joined(separator: ", "))\n"
        return out
    }

    func section(_ title: String, _ items: [ExplainedItem]) -> String {
        guard !items.isEmpty else { return "" }
        var out = "\n\(title)\n"
        for i in items {
            let kind = i.kind == "dnsRecord" ? "" : "\(kindLabel(i.kind)) "
            out += "  \(i.status.symbol) \(label(i.status).padding(toLength: 12, withPad: " ", startingAt: 0)) \(kind)\(Self.clip(i.identity))\n"
            if let d = i.desired { out += "      desired   \(d)\n" }
            out += "      observed  \(i.observed ?? (i.status == .unknown ? "(not known)" : "(none)"))\n"
            out += "      why       \(i.reason)\n"
            for (n, o) in i.origins.enumerated() {
                out += "      \(n == 0 ? "from      " : "          ")\(o)\n"
            }
        }
        return out
    }

    func label(_ s: ExplainStatus) -> String {
        switch s {
        case .inSync: "in sync"
        case .create: "to create"
        case .update: "to update"
        case .delete: "to delete"
        case .pending: "pending"
        case .differs: "differs"
        case .absent: "absent"
        case .leftAlone: "left alone"
        case .unknown: "unknown"
        }
    }

    func kindLabel(_ raw: String) -> String {
        switch raw {
        case "registrarDomain": "registration"
        case "nameservers": "nameservers"
        case "mailgunDomain": "mailgun domain"
        case "mailgunCredential": "mailgun credential"
        case "mailgunWebhook": "mailgun webhook"
        case "mailgunRoute": "mailgun route"
        case "zohoDomain": "zoho domain"
        case "zohoUser": "zoho user"
        case "webForward": "web forward"
        default: raw
        }
    }

    func at(_ o: SettingOrigin) -> String {
        (o.location.map { "\($0.file):\($0.line)" } ?? "built-in") + " (\(o.setting))"
    }

    /// A headline keeps to one line: a DKIM key's value is shown whole under it.
    static func clip(_ s: String) -> String { s.count > 72 ? String(s.prefix(60)) + "…" : s }

    static func time(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: d)
    }
}
