import DNSRecords
import Foundation
import Inventory
import Providers
import Store

/// Inventory → observe → plan for a whole fleet (or a scoped part of it):
/// the one place that joins the compiled desired state with every
/// provider's observation. `--plan`, `--apply` and `drift` all plan here,
/// and applying a plan file re-plans here to check it is still fresh.
public struct FleetPlanner: Sendable {
    public var desired: DesiredState
    public var inventoryHash: String
    public var providers: FleetProviders
    public var store: StateStore
    public var concurrency: Int
    public var progress: (@Sendable (ObserveProgress) -> Void)?
    public var now: @Sendable () -> Date
    /// Seconds: a registration expiring this soon with auto-renew off is a warning (`monitoring.expiry_warning`).
    public var expiryWarning: Double = 30 * 86_400
    /// How many runs of domains are planned side by side (the plan is the same for any number).
    public var parts = parallelParts

    public init(desired: DesiredState, inventoryHash: String, providers: FleetProviders, store: StateStore,
                concurrency: Int = 16, progress: (@Sendable (ObserveProgress) -> Void)? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.desired = desired
        self.inventoryHash = inventoryHash
        self.providers = providers
        self.store = store
        self.concurrency = concurrency
        self.progress = progress
        self.now = now
    }

    /// Which domains a run reads and plans. Domains outside it are listed
    /// as not read (a PR-scoped plan says what it did not look at).
    public struct Scope: Sendable, Hashable {
        /// nil: the whole fleet.
        public var domains: Set<String>?
        public init(domains: Set<String>? = nil) { self.domains = domains }
        public static let fleet = Scope()
        public func contains(_ domain: String) -> Bool { domains?.contains(domain) ?? true }
    }

    public struct Result: Sendable {
        public var plan: Plan
        /// The hash of every resource observed, acted on or not: what a saved
        /// plan's fingerprint is compared with.
        public var observedHashes: [String: String]
        /// What the plan was made from (`explain` shows it beside the inventory).
        public var observed: FleetObservations? = nil

        /// The fingerprint of the world now, over `plan`'s addresses.
        public func fingerprint(for saved: Plan) -> PlanFingerprint {
            let nothing = (try? ObservedHash.resource(nil)) ?? ""
            var observed: [String: String] = [:]
            for address in saved.fingerprint.observed.keys { observed[address] = observedHashes[address] ?? nothing }
            return PlanFingerprint(inventory: plan.fingerprint.inventory, observed: observed)
        }
    }

    public func plan(scope: Scope = .fleet, refresh: RefreshPolicy) async throws -> Result {
        let inScope = desired.domains.filter { scope.contains($0.name) }
        let reader = CachedReader(cache: ObservationCache(store), policy: refresh, now: now)
        let observer = RegistrarObserver(accounts: providers.registrars, reader: reader, concurrency: concurrency,
                                         progress: progress)
        let seen = try await observer.observe(inScope.map { .init(domain: $0.name, account: $0.registration.account) })
        // The mail side only for domains the registrar side could read.
        let mail = try await MailObserver(accounts: providers.mail, reader: reader, concurrency: concurrency,
                                          journal: ApplyJournal(store))
            .observe(inScope.filter { seen.zones[$0.name] != nil })
        let owned = try await RecordOwnership(store).ownedByDomain()

        var b = PlanBuilder(inventoryHash: inventoryHash)
        // Held but not named by the inventory; a scoped run's other inventory domains are not "unmanaged".
        let named = Set(desired.domains.map(\.name))
        b.unmanagedDomains = seen.unmanagedDomains.filter { !named.contains($0) }
        for d in desired.domains where !scope.contains(d.name) { b.notRead(d.name, role: d.role) }
        // Each domain's diffs depend only on that domain's observations, so
        // contiguous runs of domains are planned on all cores and joined in
        // order: the same plan as one loop (the builder is a value; nothing
        // is shared between the parts).
        let chunks = inScope.contiguousParts(parts)
        let planned = try await boundedMap(chunks, limit: chunks.count) { [self] chunk in
            var part = PlanBuilder(inventoryHash: inventoryHash)
            for d in chunk { try planDomain(d, seen: seen, mail: mail, owned: owned, into: &part) }
            return part
        }
        for part in planned { b.absorb(part) }
        let plan = try b.build()
        var hashes: [String: String] = [:]
        for (address, hash) in b.hashes { hashes[address.description] = hash }
        return Result(plan: plan, observedHashes: hashes, observed: FleetObservations(registrar: seen, mail: mail, owned: owned))
    }

    /// One domain's actions, summary and observed hashes, added to `b`.
    private func planDomain(_ d: DesiredDomain, seen: RegistrarObserver.Result, mail: MailObservation,
                            owned: [String: Set<String>], into b: inout PlanBuilder) throws {
        if let why = seen.blocked[d.name] {
            if let account = seen.unread[d.name] { b.unread(d.name, account: account, reason: why, role: d.role) }
            else { b.block(d.name, reason: why, role: d.role) }
            return
        }
        guard let zone = seen.zones[d.name], let provider = providers.registrars[d.registration.account] else {
            b.block(d.name, reason: "no observation of the zone", role: d.role)
            return
        }
        let refused = CapabilityAudit.problems(d.records, zone: d.name, provider: provider.name,
                                               capabilities: provider.capabilities)
            + CapabilityAudit.problems(d.web, provider: provider.name, capabilities: provider.capabilities)
        if !refused.isEmpty {
            b.block(d.name, reason: "records the registrar cannot hold: " + refused.joined(separator: "; "), role: d.role)
            return
        }
        let reg = seen.registrations[d.name]
        let current = reg?.usesRegistrarDNS.map { Delegation(nameservers: reg?.nameservers ?? [], usesRegistrarDNS: $0) }
        let ns = try b.addDelegation(d.name, current: current, registrarNameservers: provider.registrarNameservers)
        try b.addRenewal(d.name, desired: d.registration.autoRenew, observed: reg, canSet: provider.canSetAutoRenew,
                         now: now(), warnWithin: expiryWarning)
        // Mailgun/Zoho domains first: their generated values (DKIM keys,
        // the Zoho verification code) are records of the zone.
        var m = try b.addMail(d, observed: mail)
        // Mail side unreadable: the domain is blocked, and its zone is left
        // alone (a record whose value the provider holds would look undesired).
        if m.blocked != nil { return }
        let (targets, absent) = TargetRecord.from(d.records, resolve: m.resolve)
        let ours = Set(try (owned[d.name] ?? []).map(OwnershipKey.decode))
        var zoneDiff = try b.addZone(zone.value, role: d.role, capabilities: provider.capabilities, desired: targets,
                                     owned: ours.union(absent), dependsOn: ns.map { [$0.id] } ?? [],
                                     observedHash: zone.hash)
        b.deferZohoDKIMRecord(&zoneDiff, mail: &m)
        b.addWebForwards(zone.value, desired: d.web, dependsOn: ns.map { [$0.id] } ?? [])
        try b.addMailFollowUps(d, observed: mail, mail: m, recordActions: zoneDiff.actions.map(\.id))
    }
}
