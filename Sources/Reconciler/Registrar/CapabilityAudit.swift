import DNSRecords
import Inventory
import Providers

/// The plan-time check of a domain's desired records against what its
/// registrar's DNS can hold (octoDNS's `_process_desired_zone`, DNSControl's
/// `auditrecords.go`): an unsupported record blocks the domain in the plan,
/// named with where the inventory wrote it, instead of failing at apply
/// inside the provider. TTLs below the minimum are not refused: the provider
/// raises them and the diff already compares them that way.
public enum CapabilityAudit {
    /// One line per refused record, in record order; empty when all fit.
    public static func problems(_ records: [DesiredRecord], zone: String, provider: String,
                                capabilities c: ProviderCapabilities) -> [String] {
        let apex = DomainName.normalize(zone)
        return records.filter { $0.ensure == .present }.compactMap { r in
            let what = "\(r.location): \(r.type.rawValue) record \(r.name)"
            if !c.supportedTypes.contains(r.type) {
                return "\(what): \(provider) DNS does not support \(r.type.rawValue) records "
                    + "(supported: \(c.supportedTypes.sorted().map(\.rawValue).joined(separator: ", ")))"
            }
            if r.type == .NS && DomainName.normalize(r.name) == apex && !c.apexNSManaged {
                return "\(what): \(provider) owns the apex NS records; delegation is set with nameservers:, not a record"
            }
            if let max = c.maximumTTL, r.ttl > max {
                return "\(what): TTL \(r.ttl) is above \(provider)'s maximum of \(max)"
            }
            return nil
        }
    }
}
