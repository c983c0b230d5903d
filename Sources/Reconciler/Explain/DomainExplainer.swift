import DNSRecords
import Foundation
import Inventory
import Providers

/// Joins one domain's desired state, the settings behind it, the plan made
/// for it and what that plan read, into a `DomainExplanation`. It decides
/// nothing the planner did not: statuses come from the plan's actions, the
/// observed values from the plan's own observations, and a generated value
/// (a DKIM key) is resolved by the same `PlanBuilder.addMail` the plan used.
public struct DomainExplainer: Sendable {
    public var desired: DesiredDomain
    public var provenance: DomainProvenance
    public var plan: Plan
    public var observed: FleetObservations

    public init(desired: DesiredDomain, provenance: DomainProvenance, plan: Plan, observed: FleetObservations) {
        self.desired = desired
        self.provenance = provenance
        self.plan = plan
        self.observed = observed
    }

    var name: String { desired.name }

    public func explain() throws -> DomainExplanation {
        let actions = plan.actions.filter { $0.address.domain == name }
        let zone = observed.registrar.zones[name]
        let blocked = plan.summary(for: name)?.blocked
        return DomainExplanation(
            domain: name, group: desired.group, role: desired.role, inbound: desired.inbound, entry: provenance.entry,
            observedAt: zone?.observedAt, fromCache: zone?.fromCache, blocked: blocked,
            warnings: plan.warnings.filter { $0.domain == name }.map(\.text),
            records: try records(actions.filter { $0.address.kind == .dnsRecord }, zone: zone?.value, blocked: blocked),
            resources: resources(actions, zone: zone?.value))
    }

    // MARK: - Records

    func records(_ actions: [PlanAction], zone: ObservedZone?, blocked: String?) throws -> [ExplainedItem] {
        // The after-apply values (DKIM keys, the Zoho code) exactly as the plan resolved them.
        var scratch = PlanBuilder(inventoryHash: "")
        let mail = try scratch.addMail(desired, observed: observed.mail)
        let owned = Set((observed.owned[name] ?? []).compactMap { try? OwnershipKey.decode($0) })
        var consumed = Set<RecordKey>()
        var items: [ExplainedItem] = []

        for r in desired.records {
            var value: PlanValue? = r.value.known.map { .string($0) }
            if case .afterApply(let source) = r.value { value = mail.resolve(source) }
            let target: DNSRecord? = if case .string(let v)? = value {
                DNSRecord(name: r.name, type: r.type, ttl: r.ttl, priority: r.priority, value: v)
            } else { nil }
            let identity = target.map { RecordDiff.identity(of: $0, zone: name) } ?? placeholder(r)
            var item = ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity,
                                     desired: r.ensure == .absent ? "absent" : target.map(show) ?? show(r),
                                     observed: nil, status: .unknown, management: .declared,
                                     reason: r.ensure == .absent ? "retired domain: its mail records are removed (\(purpose(r)))"
                                         : "declared: " + purpose(r),
                                     origins: provenance.origins(of: r))
            guard let zone else {
                item.reason += "; the zone was not read: \(blocked ?? "no observation")"
                items.append(item)
                continue
            }
            if r.ensure == .absent {
                if let t = target, let a = actions.first(where: { $0.operation == .delete && $0.before?.record?.key == t.key }) {
                    item.status = .delete
                    item.observed = a.before?.record.map(show)
                    consumed.insert(t.key)
                } else if target == nil || !zone.records.contains(where: { $0.key == target!.key }) {
                    item.status = .absent
                }
                items.append(item)
                continue
            }
            if let t = target {
                if let a = actions.first(where: { $0.operation == .update && $0.after?.record?.key == t.key }), let before = a.before?.record {
                    item.status = .update
                    item.observed = show(before)
                    consumed.insert(before.key)
                    if a.registrarDefault == true { item.reason += " (replaces the registrar's default)" }
                    else if let note = a.note { item.reason += " (\(note))" }
                } else if actions.contains(where: { $0.operation == .create && $0.after?.record?.key == t.key }) {
                    item.status = .create
                } else if let o = zone.records.first(where: { $0.key == t.key }) {
                    item.status = .inSync
                    item.observed = show(o)
                    consumed.insert(o.key)
                } else if blocked != nil {
                    item.reason += "; not planned: \(blocked!)"
                }
            } else if case .knownAfterApply(let ref)? = value {
                item.status = .create
                item.reason += "; its value is known after \(ref.action) runs"
            } else if case .afterApply(let source) = r.value {
                item.reason += "; not planned yet: its value (\(source)) comes once the provider has generated it"
            }
            items.append(item)
        }

        for o in zone?.records ?? [] where !consumed.contains(o.key) {
            let identity = RecordDiff.identity(of: o, zone: name)
            if let a = actions.first(where: { $0.operation == .delete && $0.before?.record?.key == o.key }) {
                let (m, why): (Management, String) =
                    a.registrarDefault == true ? (.registrarDefault, "the registrar's default on a fresh domain: removed")
                    : a.note == RecordDiff.competingNote ? (.competing, "not the tool's, but it competes with a declared record: removed")
                    : (.owned, "created by reconcile and no longer in the inventory: removed")
                items.append(ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity, desired: nil, observed: show(o),
                                           status: .delete, management: m, reason: why))
            } else if owned.contains(o.key) {
                items.append(ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity, desired: nil, observed: show(o),
                                           status: .unknown, management: .owned,
                                           reason: "created by reconcile and no longer in the inventory; not planned: \(blocked ?? "see the plan")"))
            } else {
                items.append(ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity, desired: nil, observed: show(o),
                                           status: .leftAlone, management: .unmanaged,
                                           reason: "unmanaged: not in the inventory and not created by reconcile, so never changed"))
            }
        }
        for f in zone?.foreign ?? [] {
            let rel = DomainName.relative(f.name, zone: name)
            let identity = "\(rel.isEmpty ? "@" : rel) \(f.type) \(f.value)"
            let text = "\(rel.isEmpty ? "@" : rel) \(f.ttl) \(f.type) \(f.priority.map { "\($0) " } ?? "")\(f.value)"
            if actions.contains(where: { $0.operation == .delete && $0.address.identity == identity }) {
                items.append(ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity, desired: nil, observed: text,
                                           status: .delete, management: .registrarDefault,
                                           reason: "the registrar's default on a fresh domain: removed"))
            } else {
                items.append(ExplainedItem(kind: ResourceKind.dnsRecord.rawValue, identity: identity, desired: nil, observed: text,
                                           status: .leftAlone, management: .foreignType,
                                           reason: "unmanaged: a record type the fleet does not manage, never changed"))
            }
        }
        return items
    }

    /// Why the compiler produced the record.
    func purpose(_ r: DesiredRecord) -> String {
        switch r.purpose {
        case .mx: "MX of inbound \(desired.inbound.rawValue)"
        case .spf: "the domain's one SPF record (the pool's Mailgun include\(desired.zoho != nil ? ", Zoho's" : "") and defaults.spf)"
        case .dmarc: "the fleet's DMARC policy"
        case .dmarcReportAuthorization: "accepts the fleet's DMARC reports for other domains (RFC 7489 7.1)"
        case .mailgunDKIM: "Mailgun's DKIM key for the pool's sending domain"
        case .tracking: "Mailgun's open and click tracking host"
        case .zohoDKIM: "Zoho's DKIM key"
        case .zohoVerification: "proves to Zoho that the organisation owns the domain"
        case .extra: "written by hand in extra_records"
        }
    }

    /// `mg._domainkey TXT <mailgun.domain.dkim>` for a value not known yet.
    func placeholder(_ r: DesiredRecord) -> String {
        let rel = DomainName.relative(r.name, zone: name)
        return "\(rel.isEmpty ? "@" : rel) \(r.type.rawValue) \(r.priority.map { "\($0) " } ?? "")<\(r.value.description)>"
    }

    /// `@ 3600 MX 10 mx.zoho.eu`: relative name, TTL, type, value.
    func show(_ r: DNSRecord) -> String {
        let rel = DomainName.relative(r.name, zone: name)
        let value = r.type == .TXT ? "\"\(r.value)\"" : r.value
        return "\(rel.isEmpty ? "@" : rel) \(r.ttl) \(r.type.rawValue) \(r.priority.map { "\($0) " } ?? "")\(value)"
    }

    func show(_ r: DesiredRecord) -> String {
        let rel = DomainName.relative(r.name, zone: name)
        return "\(rel.isEmpty ? "@" : rel) \(r.ttl) \(r.type.rawValue) \(r.priority.map { "\($0) " } ?? "")\(r.value.description)"
    }
}
