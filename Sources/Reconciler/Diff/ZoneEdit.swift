import DNSRecords

/// Applies record actions to a zone's current records: what a whole-zone
/// write (Namecheap setHosts, which deletes every record not sent —
/// providers/registrars.md B) must send. Working from a fresh read rather
/// than the plan's snapshot keeps records that appeared since planning.
public enum ZoneEdit {
    /// `actions` must have resolved `after` states (no known-after-apply values).
    public static func apply(_ actions: [PlanAction], to current: [DNSRecord]) throws(ZoneEditError) -> [DNSRecord] {
        var records = current
        for action in actions where action.address.kind == .dnsRecord {
            if action.operation == .delete || action.operation == .update {
                guard let old = action.before?.record else { throw .unresolved(action.id) }
                records.removeAll { $0.key == old.key }
            }
            if action.operation == .create || action.operation == .update {
                guard let new = action.after?.record else { throw .unresolved(action.id) }
                records.removeAll { $0.key == new.key }
                records.append(new)
            }
        }
        return records.sorted { $0.key < $1.key }
    }
}

public enum ZoneEditError: Error, Sendable, Equatable {
    case unresolved(ActionID)
}
