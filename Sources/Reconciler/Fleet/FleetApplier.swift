import Foundation
import Providers
import Store

/// `--apply`: one apply at a time (the lock), a saved plan only while it is
/// fresh, safety before any write, then the executor — looping until the
/// fleet converges or only waits remain.
public struct FleetApplier: Sendable {
    public var planner: FleetPlanner
    public var safety: SafetyPolicy
    public var lockTimeout: TimeInterval
    public var concurrency: Int
    /// `--wait`: how long to keep re-planning while verifications wait on DNS.
    public var maxWait: TimeInterval
    public var pause: TimeInterval
    /// Told about each step (`applying 12 actions…`), for the terminal.
    public var log: @Sendable (String) -> Void
    /// (actions settled, actions in the plan) after each provider call.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(planner: FleetPlanner, safety: SafetyPolicy = SafetyPolicy(), lockTimeout: TimeInterval = 0,
                concurrency: Int = 8, maxWait: TimeInterval = 0, pause: TimeInterval = 10,
                log: @escaping @Sendable (String) -> Void = { _ in }, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.planner = planner
        self.safety = safety
        self.lockTimeout = lockTimeout
        self.concurrency = concurrency
        self.maxWait = maxWait
        self.pause = pause
        self.log = log
        self.progress = progress
    }

    public var redactor: Redactor { Redactor(secrets: planner.providers.secretValues) }

    /// Routes each resource kind to its provider family's driver; written
    /// zones go into `applied` (see `AppliedZones`).
    public func driver(applied: AppliedZones? = nil) -> RoutingDriver {
        let accountOf = Dictionary(planner.desired.domains.map { ($0.name, $0.registration.account) },
                                   uniquingKeysWith: { a, _ in a })
        let registrars = planner.providers.registrars
        let zone: @Sendable (String) -> (any RegistrarDNSProvider)? = { d in accountOf[d].flatMap { registrars[$0] } }
        var routes = planner.providers.mail.drivers(secret: planner.providers.secret)
        routes[.dnsRecord] = RegistrarZoneDriver(applied: applied) { zone($0) }
        routes[.webForward] = routes[.dnsRecord]
        routes[.nameservers] = RegistrarDelegationDriver { zone($0) }
        routes[.registrarDomain] = RegistrarRenewalDriver { zone($0) }
        return RoutingDriver(routes)
    }

    func executor(_ applied: AppliedZones?) -> ApplyExecutor {
        ApplyExecutor(store: planner.store, driver: driver(applied: applied), concurrency: concurrency, holder: "reconcile apply",
                      redact: redactor.scrub, progress: progress, lane: lanes)
    }

    /// Each action's provider account: `--apply-concurrency` holds per
    /// account, so writes queued on Namecheap's 20/min never hold the slots
    /// Zoho's or Mailgun's ready writes need.
    var lanes: @Sendable (PlanAction) -> String {
        let accounts = Dictionary(planner.desired.domains.map {
            ($0.name, (registrar: $0.registration.account, mailgun: $0.mailgun.account, zoho: $0.zoho?.account ?? "zoho"))
        }, uniquingKeysWith: { a, _ in a })
        return { action in
            guard let a = accounts[action.address.domain] else { return "" }
            switch action.address.kind {
            case .mailgunDomain, .mailgunCredential, .mailgunWebhook, .mailgunRoute: return a.mailgun
            case .zohoDomain, .zohoUser: return a.zoho
            case .registrarDomain, .nameservers, .zone, .dnsRecord, .webForward: return a.registrar
            }
        }
    }

    /// One apply of `plan`; afterwards the cache forgets what it made stale,
    /// except the zones it stored as written.
    func run(_ plan: Plan) async throws -> ApplySummary {
        let cache = ObservationCache(planner.store)
        let applied = AppliedZones(cache: cache)
        let summary = try await executor(applied).apply(plan)
        try await cache.forget(after: plan, keeping: await applied.kept)
        return summary
    }

    /// Re-reads what an interrupted apply left unknown, before anything is
    /// planned: a killed run's writes may all have landed, and a plan with
    /// no changes would otherwise never settle them. Everything a killed run
    /// journaled is read afresh by the plan, not taken from the cache as it
    /// was before the kill (its own `forget(after:)` never ran). The caller
    /// holds the lock, so a run that never ended is dead.
    func settleInterrupted() async throws {
        let journal = ApplyJournal(planner.store)
        let found = try await executor(nil).recoverUnknownOutcomes()
        let abandoned = try await journal.unendedRuns()
        var touched = found.actions
        for run in abandoned {
            touched += try await journal.entries(run: run).compactMap { try? JSONDecoder().decode(PlanAction.self, from: $0.action) }
        }
        if !touched.isEmpty { try await ObservationCache(planner.store).forget(touching: touched) }
        for run in abandoned { try await journal.abandon(run: run, now: Date()) }
        guard !found.isEmpty else { return }
        log("an interrupted apply left \(found.applied.count + found.absent.count + found.unsettled.count) outcome(s) unknown: "
            + "\(found.applied.count) in effect, \(found.absent.count) not in effect, \(found.unsettled.count) still unknown")
        for (id, reason) in found.unsettled.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            log("  \(id): still unknown, its re-read failed: \(reason)")
        }
    }

    /// Holds the apply lock around `body`.
    public func locked<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let lock = ApplyLock(planner.store)
        let handle = try await lock.acquire(.current(holder: "reconcile apply"), timeout: lockTimeout)
        do {
            let result = try await body()
            _ = try? lock.release(handle)
            return result
        } catch {
            _ = try? lock.release(handle)
            throw error
        }
    }

    /// Applies exactly `plan` (a plan file): refused when stale or unsafe.
    /// The caller holds the lock.
    public func applySaved(_ plan: Plan, scope: FleetPlanner.Scope) async throws -> ApplySummary {
        try await settleInterrupted()
        let now = try await planner.plan(scope: scope, refresh: .full)
        try plan.checkFresh(against: now.fingerprint(for: plan))
        try plan.checkSafety(safety)
        log("applying \(plan.counts.sentence)")
        return try await run(plan)
    }

    /// Plans, asks `approve` (the terminal prompt, or `--auto-approve`), and
    /// applies until converged or only waits remain past `maxWait`. Every
    /// round is safety-checked; only the first asks for approval, the later
    /// ones continue the approved change (values known after apply,
    /// verifications that waited on DNS). The caller holds the lock.
    public func converge(scope: FleetPlanner.Scope, refresh: RefreshPolicy,
                         approve: @Sendable (Plan) async throws -> Bool) async throws -> ConvergeOutcome {
        try await settleInterrupted()
        let first = try await planner.plan(scope: scope, refresh: refresh).plan
        if !first.hasChanges { return .nothingToDo(first) }
        try first.checkSafety(safety)
        guard try await approve(first) else { return .declined(first) }
        let applier = self, planner = self.planner, safety = self.safety, log = self.log
        let firstBox = OnceBox(first)
        let loop = ConvergeLoop(maxWait: maxWait, pause: pause)
        let result = try await loop.run(
            plan: {
                if let p = await firstBox.take() { return p }
                // Later rounds read fresh what the last round touched (the cache was
                // invalidated), except the zones it wrote and stored as written.
                let p = try await planner.plan(scope: scope, refresh: .none).plan
                try p.checkSafety(safety)
                return p
            },
            apply: { p in
                log("applying \(p.counts.sentence)")
                return try await applier.run(p)
            })
        return .ran(first, result)
    }

    public enum ConvergeOutcome: Sendable {
        case nothingToDo(Plan)
        case declined(Plan)
        case ran(Plan, ConvergeLoop.Result)

        /// The plan shown (and approved).
        public var firstPlan: Plan {
            switch self {
            case .nothingToDo(let p), .declined(let p), .ran(let p, _): p
            }
        }
    }
}

/// Hands out a value once (the first round's plan is the approved one).
actor OnceBox<T: Sendable> {
    var value: T?
    init(_ value: T) { self.value = value }
    func take() -> T? { defer { value = nil }; return value }
}
