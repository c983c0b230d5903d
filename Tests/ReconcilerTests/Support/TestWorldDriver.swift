import DNSRecords
import Foundation
@testable import Reconciler

/// An in-process world for the executor's test seam: zones and Mailgun-like
/// domains held in memory, every call logged. It behaves like the providers
/// where the engine's correctness depends on it: a create is never
/// idempotent (a repeated record create makes a duplicate record; a repeated
/// domain create fails "already exists"), and a whole-zone write replaces
/// the zone.
actor TestWorld {
    var zones: [String: [DNSRecord]] = [:]
    var mailgun: [String: String] = [:]
    var verified: Set<String> = []
    var calls: [String] = []
    var failing: Set<ActionID> = []
    /// Verifications that answer "pending" this many more times.
    var verifyPendingRuns = 0
    /// Perform the effect of this action, then report an interruption.
    var interruptAfterEffect: ActionID?
    /// Report an interruption before any effect.
    var interruptBeforeEffect: ActionID?
    /// Perform the effect, then report that the outcome is unknown (a timeout after sending).
    var unknownAfterEffect: ActionID?
    var generated = 0
    var inFlight = 0
    var maxInFlight = 0
    var stepDelay: UInt64 = 0

    struct Failure: Error, CustomStringConvertible { var description: String }

    func set(failing: Set<ActionID> = [], interruptAfter: ActionID? = nil, interruptBefore: ActionID? = nil,
             unknownAfter: ActionID? = nil, verifyPendingRuns: Int = 0, stepDelay: UInt64 = 0) {
        self.unknownAfterEffect = unknownAfter
        self.failing = failing
        self.interruptAfterEffect = interruptAfter
        self.interruptBeforeEffect = interruptBefore
        self.verifyPendingRuns = verifyPendingRuns
        self.stepDelay = stepDelay
    }

    func seed(zone: String, _ records: [DNSRecord]) { zones[zone] = records }

    func perform(_ step: ExecutionStep) async throws -> StepResult {
        calls.append(step.batch ?? step.actions[0].id.rawValue)
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        if stepDelay > 0 { try? await Task.sleep(nanoseconds: stepDelay) }
        inFlight -= 1
        if let id = step.actions.map(\.id).first(where: { failing.contains($0) }) {
            throw Failure(description: "injected failure of \(id)")
        }
        if step.actions.contains(where: { $0.id == interruptBeforeEffect }) {
            interruptBeforeEffect = nil
            throw CancellationError()
        }
        var outputs: [String: String] = [:]
        if let batch = step.batch, batch.hasPrefix("zone:") {
            let zone = String(batch.dropFirst(5))
            zones[zone] = try ZoneEdit.apply(step.actions, to: zones[zone] ?? [])
        } else {
            let a = step.actions[0]
            let d = a.address.domain
            switch (a.address.kind, a.operation) {
            case (.dnsRecord, .create):
                zones[d, default: []].append(a.after!.record!)
            case (.dnsRecord, .delete):
                zones[d]?.removeAll { $0.key == a.before!.record!.key }
            case (.dnsRecord, .update):
                zones[d]?.removeAll { $0.key == a.before!.record!.key }
                zones[d, default: []].append(a.after!.record!)
            case (.mailgunDomain, .create):
                if mailgun[d] != nil { throw Failure(description: "domain \(d) already exists") }
                generated += 1
                mailgun[d] = "k=rsa; p=KEY\(generated)"
                outputs["dkim.value"] = mailgun[d]
            case (.mailgunDomain, .verify):
                let dkim = mailgun[d]
                let visible = zones[d, default: []].contains { $0.name == "mx._domainkey.\(d)" && $0.value == dkim }
                if !visible || verifyPendingRuns > 0 {
                    verifyPendingRuns -= 1
                    return .pending("DKIM record not visible yet")
                }
                verified.insert(d)
            default:
                throw Failure(description: "test world cannot \(a.id)")
            }
        }
        if step.actions.contains(where: { $0.id == interruptAfterEffect }) {
            interruptAfterEffect = nil
            throw CancellationError()
        }
        if step.actions.contains(where: { $0.id == unknownAfterEffect }) {
            unknownAfterEffect = nil
            throw OutcomeUnknown("timed out after sending")
        }
        return .done(outputs: outputs)
    }

    func probe(_ a: PlanAction) -> ProbeResult {
        calls.append("probe \(a.id)")
        let d = a.address.domain
        switch (a.address.kind, a.operation) {
        case (.dnsRecord, .create), (.dnsRecord, .update):
            return zones[d, default: []].contains { $0.key == a.after?.record?.key } ? .applied(outputs: [:]) : .notApplied
        case (.dnsRecord, .delete):
            return zones[d, default: []].contains { $0.key == a.before?.record?.key } ? .notApplied : .applied(outputs: [:])
        case (.mailgunDomain, .create):
            return mailgun[d].map { .applied(outputs: ["dkim.value": $0]) } ?? .notApplied
        case (.mailgunDomain, .verify):
            return verified.contains(d) ? .applied(outputs: [:]) : .notApplied
        default:
            return .notApplied
        }
    }

    func count(_ prefix: String) -> Int { calls.filter { $0.hasPrefix(prefix) }.count }
}

struct TestWorldDriver: ResourceDriver {
    let world: TestWorld
    func perform(_ step: ExecutionStep) async throws -> StepResult { try await world.perform(step) }
    func probe(_ action: PlanAction) async throws -> ProbeResult { await world.probe(action) }
}

/// A plan that sets up Mailgun sending for each domain: the domain, its
/// DKIM record (known after apply), the other records, then verification.
func mailgunPlan(_ domains: [String], observed: [String: [DNSRecord]] = [:], rules: ZoneRules = ZoneRules()) throws -> Plan {
    var actions: [PlanAction] = []
    var summaries: [DomainSummary] = []
    for d in domains {
        let mg = PlanAction(.create, ResourceAddress(domain: d, kind: .mailgunDomain),
                            after: ResourceState(["region": .string("us")]))
        var desired = Fixtures.mailRecords(d).map(TargetRecord.init)
        desired.append(TargetRecord(name: "mx._domainkey.\(d)", type: .TXT, ttl: 3600,
                                     value: .knownAfterApply(OutputReference(action: mg.id, output: "dkim.value"))))
        let diff = RecordDiff.diff(zone: d, desired: desired, observed: observed[d] ?? [], owned: [], rules: rules)
        let verify = PlanAction(.verify, ResourceAddress(domain: d, kind: .mailgunDomain),
                                dependsOn: diff.actions.map(\.id) + [mg.id])
        actions += [mg, verify] + diff.actions
        summaries.append(diff.summary(role: .active))
    }
    return try Plan(actions: actions, domains: summaries,
                    fingerprint: PlanFingerprint(inventory: "inv-\(domains.joined())", observed: [:]))
}
