import DNSRecords
import Inventory

extension TargetRecord {
    /// The compiler's records of one domain as the diff wants them.
    ///
    /// - `ensure: present` records become targets; a value known only after
    ///   apply (`DesiredValue.afterApply(source:)`) is looked up with
    ///   `resolve` — the observed provider value (a Mailgun domain that
    ///   exists already) or a `.knownAfterApply` reference to the action that
    ///   will produce it. Records `resolve` cannot place are left out.
    /// - `ensure: absent` records are returned as keys to add to the owned
    ///   set: DNSControl's ENSURE_ABSENT — deleted even if the tool did not
    ///   create them.
    public static func from(_ records: [DesiredRecord],
                            resolve: (String) -> PlanValue?) -> (targets: [TargetRecord], absent: Set<RecordKey>) {
        var targets: [TargetRecord] = []
        var absent: Set<RecordKey> = []
        for d in records {
            if d.ensure == .absent {
                if let r = d.record { absent.insert(r.key) }
                continue
            }
            switch d.value {
            case .known(let v):
                targets.append(TargetRecord(name: d.name, type: d.type, ttl: d.ttl, priority: d.priority, value: .string(v)))
            case .afterApply(let source):
                guard let value = resolve(source) else { continue }
                targets.append(TargetRecord(name: d.name, type: d.type, ttl: d.ttl, priority: d.priority, value: value))
            }
        }
        return (targets, absent)
    }
}
