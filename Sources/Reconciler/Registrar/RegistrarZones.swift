import Inventory
import DNSRecords
import Providers

extension ZoneRules {
    /// The diff rules of a registrar's DNS, from its declared capabilities.
    public init(_ c: ProviderCapabilities) {
        var readBack: [Int: Int] = [:]
        if let auto = c.automaticTTL, let means = c.automaticTTLMeans { readBack[auto] = means }
        self.init(minimumTTL: c.minimumTTL, ttlReadBack: readBack, wholeZoneWrite: c.writes == .wholeZone, batchPerZone: true)
    }
}

extension ObservedHash {
    /// A zone as a registrar reports it, foreign rows included (a foreign row
    /// appearing behind our back also makes a saved plan stale).
    public static func zone(_ z: ObservedZone) throws -> String { try PlanFingerprint.hash(of: z) }
}

extension PlanBuilder {
    /// Adds a registrar zone: records the inventory declares or the tool
    /// created are managed; the registrar's parking/forwarding defaults on a
    /// fresh domain are deleted explicitly (registrars.md Part C.4) and do
    /// not count as destructive; every other row, foreign types included, is
    /// kept and listed.
    @discardableResult
    /// `observedHash`: the zone's `ObservedHash.zone(_:)` when the caller has
    /// it already (the observation cache stores it), saving a re-encode.
    public mutating func addZone(_ zone: ObservedZone, role: DomainRole, capabilities: ProviderCapabilities,
                                 desired: [TargetRecord], owned: Set<RecordKey>,
                                 dependsOn: [ActionID] = [], observedHash: String? = nil) throws -> ZoneDiff {
        let defaults = Set(zone.registrarDefaults.compactMap { ref -> RecordKey? in
            if case .managed(let r) = ref { return r.key }
            return nil
        })
        let desiredKeys = Set(desired.compactMap { $0.record?.key })
        let rules = ZoneRules(capabilities)
        var diff = try addZone(zone.domain, role: role, rules: rules, desired: desired, observed: zone.records,
                               owned: owned.union(defaults.subtracting(desiredKeys)), dependsOn: dependsOn,
                               observedHash: try observedHash ?? ObservedHash.zone(zone))
        let zoneAddress = ResourceAddress(domain: zone.domain, kind: .zone)

        // Mark default deletions; add explicit deletions of foreign defaults.
        var marked: [PlanAction] = []
        for a in diff.actions {
            var a = a
            // A default may be deleted, or paired into an update (the parking MX
            // becomes ours): either way it is expected on a fresh domain.
            if a.operation == .delete || a.operation == .update, let r = a.before?.record, defaults.contains(r.key) {
                a.registrarDefault = true
                a.note = "registrar default"
            }
            marked.append(a)
        }
        let foreignDefaults = zone.registrarDefaults.compactMap { ref -> ForeignRecord? in
            if case .foreign(let f) = ref { return f }
            return nil
        }
        for f in foreignDefaults {
            let rel = DomainName.relative(f.name, zone: zone.domain)
            var state = ResourceState(["name": .string(f.name), "type": .string(f.type), "ttl": .int(f.ttl),
                                       "value": .string(f.value)])
            if let p = f.priority { state["priority"] = .int(p) }
            var a = PlanAction(.delete, ResourceAddress(domain: zone.domain, kind: .dnsRecord,
                                                        identity: "\(rel.isEmpty ? "@" : rel) \(f.type) \(f.value)"),
                               before: state, dependsOn: dependsOn, batch: rules.batchPerZone ? "zone:\(zone.domain)" : nil,
                               observed: zoneAddress, note: "registrar default")
            a.registrarDefault = true
            marked.append(a)
        }
        // The base addZone appended exactly diff.actions; replace them (not a
        // scan of every action: that would be quadratic on a large fleet).
        actions.removeLast(diff.actions.count)
        actions += marked
        diff.actions = marked

        let keptForeign = zone.foreign.filter { !foreignDefaults.contains($0) }
        summaries[zone.domain]?.managedRecords = diff.managedObserved.filter { !defaults.contains($0.key) }.count
        summaries[zone.domain]?.foreignKept = keptForeign.isEmpty ? nil : keptForeign.map(\.description)
        return diff
    }
}

/// Record and web-forward actions → a registrar's `DNSZoneProvider.apply(RecordChangeSet)`.
/// One step (one action, or a whole-zone batch) is one change set; the
/// provider re-reads the zone first and never duplicates, so re-running a
/// step after an unknown outcome converges. With `applied`, the zone the
/// provider returns after the write goes into the observation cache.
public struct RegistrarZoneDriver: ResourceDriver {
    public let provider: @Sendable (String) -> (any DNSZoneProvider)?
    public let applied: AppliedZones?

    public init(applied: AppliedZones? = nil, provider: @escaping @Sendable (String) -> (any DNSZoneProvider)?) {
        self.provider = provider
        self.applied = applied
    }

    public func perform(_ step: ExecutionStep) async throws -> StepResult {
        let domain = step.actions[0].address.domain
        guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
        let zone: ObservedZone
        await applied?.begin(domain)
        do {
            zone = try await p.apply(try Self.changeSet(step.actions, domain: domain))
        } catch let e as ProviderError where e.kind == .outcomeUnknown {
            await applied?.failed(domain)
            throw OutcomeUnknown(e.description)
        } catch {
            await applied?.failed(domain)
            throw error
        }
        await applied?.wrote(zone)
        return .done(outputs: [:])
    }

    public func probe(_ action: PlanAction) async throws -> ProbeResult {
        let domain = action.address.domain
        guard let p = provider(domain) else { throw DriverError.noProvider(domain) }
        let zone = try await p.zone(domain)
        let keys = zone.keys
        if action.address.kind == .webForward {
            let host = action.address.identity
            switch action.operation {
            case .create, .update:
                let want = action.after?.forward(host: host)
                return zone.forwards.contains { $0 == want } ? .applied(outputs: [:]) : .notApplied
            case .delete:
                return zone.forwards.contains { $0.host == host } ? .notApplied : .applied(outputs: [:])
            case .verify, .wait:
                return .notApplied
            }
        }
        switch action.operation {
        case .create, .update:
            guard let r = action.after?.record else { return .notApplied }
            return keys.contains(r.key) ? .applied(outputs: [:]) : .notApplied
        case .delete:
            if let r = action.before?.record { return keys.contains(r.key) ? .notApplied : .applied(outputs: [:]) }
            let f = Self.foreign(action.before)
            return zone.foreign.contains { $0 == f } ? .notApplied : .applied(outputs: [:])
        case .verify, .wait:
            return .notApplied
        }
    }

    static func changeSet(_ actions: [PlanAction], domain: String) throws -> RecordChangeSet {
        var set = RecordChangeSet(domain: domain)
        for a in actions {
            if a.address.kind == .webForward {
                switch a.operation {
                case .create, .update:
                    guard let f = a.after?.forward(host: a.address.identity) else { throw DriverError.unresolved(a.id) }
                    set.setForwards.append(f)
                case .delete:
                    set.removeForwards.append(a.address.identity)
                case .verify, .wait:
                    throw DriverError.notARecord(a.id)
                }
                continue
            }
            guard a.address.kind == .dnsRecord else { throw DriverError.notARecord(a.id) }
            switch a.operation {
            case .create:
                guard let r = a.after?.record else { throw DriverError.unresolved(a.id) }
                set.create.append(r)
            case .update:
                guard let from = a.before?.record, let to = a.after?.record else { throw DriverError.unresolved(a.id) }
                set.update.append(.init(from: from, to: to))
            case .delete:
                if let r = a.before?.record { set.delete.append(r) }
                else if let f = foreign(a.before) { set.deleteForeign.append(f) }
                else { throw DriverError.unresolved(a.id) }
            case .verify, .wait:
                throw DriverError.notARecord(a.id)
            }
        }
        return set
    }

    static func foreign(_ state: ResourceState?) -> ForeignRecord? {
        guard let state, case .string(let name)? = state["name"], case .string(let type)? = state["type"],
              case .int(let ttl)? = state["ttl"], case .string(let value)? = state["value"] else { return nil }
        var prio: Int? = nil
        if case .int(let p)? = state["priority"] { prio = p }
        return ForeignRecord(name: name, type: type, ttl: ttl, priority: prio, value: value)
    }
}

public enum DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    case noProvider(String)
    case notARecord(ActionID)
    case unresolved(ActionID)
    case unsupported(ActionID)

    public var description: String {
        switch self {
        case .noProvider(let d): "no DNS provider is configured for \(d)"
        case .notARecord(let id): "\(id) is not a record change"
        case .unresolved(let id): "\(id) has no complete record to write"
        case .unsupported(let id): "\(id) is not something this driver does"
        }
    }
}
