import Foundation
import Monitor
import Reconciler
import Store

extension FleetAlerting {
    public static let registrationExpiringPrefix = "registration-expiring"

    /// One alert per registration the plan warns is expiring with auto-renew
    /// off (`registration-expiring:DOMAIN`); cleared for a domain this plan
    /// read and no longer warns about. Returns lines for stderr (undelivered).
    public func raiseRegistrations(_ plan: Plan, deliver: Bool) async throws -> [String] {
        let expiring = Dictionary(plan.warnings.filter { $0.code == .registrationExpiring }.map { ($0.domain, $0.text) },
                                  uniquingKeysWith: { a, _ in a })
        let unread = Set(plan.unread.flatMap(\.domains))
        var changes: [AlertChange] = expiring.sorted { $0.key < $1.key }.map {
            .open(key: "\(Self.registrationExpiringPrefix):\($0.key)", summary: "domain \($0.key): \($0.value)")
        }
        for c in try store.openConditions() where c.key.hasPrefix(Self.registrationExpiringPrefix + ":") {
            let domain = String(c.key.dropFirst(Self.registrationExpiringPrefix.count + 1))
            guard expiring[domain] == nil, !unread.contains(domain), let s = plan.summary(for: domain), s.blocked == nil, !s.notRead else { continue }
            changes.append(.clear(key: c.key, summary: "domain \(domain): registration renews itself or is no longer expiring"))
        }
        var problems: [String] = []
        for (i, change) in changes.enumerated() {
            // Delivered once, after the last change is queued: one digest, not one message each.
            if let p = try await raise(change, deliver: deliver && i == changes.count - 1) { problems.append(p) }
        }
        return problems
    }
}
