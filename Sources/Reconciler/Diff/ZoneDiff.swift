import Inventory
import DNSRecords

/// The outcome of diffing one zone: record actions, and what stays untouched.
public struct ZoneDiff: Sendable, Hashable {
    public var zone: String
    public var actions: [PlanAction]
    /// Observed records neither declared nor created by the tool.
    public var unmanagedKept: [DNSRecord]
    /// Observed records the tool manages (declared or owned).
    public var managedObserved: [DNSRecord]
    /// Observed MX records, managed or not.
    public var observedMX: Int
    /// For whole-zone-write providers: what the zone must contain after the
    /// write — kept unmanaged records plus every desired record (values not
    /// yet known are left out; apply resolves them first).
    public var writeSet: [DNSRecord]

    public func summary(role: DomainRole) -> DomainSummary {
        DomainSummary(domain: zone, role: role, managedRecords: managedObserved.count,
                      observedMX: observedMX, unmanagedKept: unmanagedKept)
    }
}
