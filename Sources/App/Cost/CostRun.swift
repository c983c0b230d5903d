import Foundation
import Inventory
import Providers
import Reconciler

/// `reconcile cost`: loads the inventory (and, with a base ref, the
/// inventory at that ref), asks each registrar account's pricing API for the
/// renewal prices of its TLDs — the emulators' with `--sandbox` — plans each
/// group's monthly volume, and prices both. Prints nothing.
public enum CostRun {
    public struct Request: Sendable {
        public var inventoryDirectory: String
        public var sandbox: Bool
        /// A git ref: the report also shows the cost delta against the inventory there.
        public var base: String?
        public var rateLimits: Bool
        public var now: Date

        public init(inventoryDirectory: String = "inventory", sandbox: Bool = false, base: String? = nil, rateLimits: Bool = true,
                    now: Date = Date()) {
            self.inventoryDirectory = inventoryDirectory
            self.sandbox = sandbox
            self.base = base
            self.rateLimits = rateLimits
            self.now = now
        }
    }

    public struct Outcome: Sendable {
        public var report: CostReport
        public var delta: CostDelta?
        /// For stderr: what was assumed (a base without an inventory).
        public var notes: [String]
    }

    public static func run(_ request: Request, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Outcome {
        let inventory = try InventoryLoader().load(directory: request.inventoryDirectory).inventory
        var notes: [String] = []
        var base: Inventory?
        if let ref = request.base {
            base = try await ChangedSince().inventory(at: ref, inventoryDirectory: request.inventoryDirectory)
            if base == nil {
                notes.append("the inventory has no *.yaml files at \(ref): the delta counts the whole fleet as new")
                base = Inventory(accounts: inventory.accounts, defaults: inventory.defaults, groups: [], costs: inventory.costs)
            }
        }
        let domains = inventory.domains + (base?.domains ?? [])
        var tlds: [String: Set<String>] = [:]
        for d in domains {
            let tld = DomainSplit.split(d.name).tld
            if inventory.costs.renewalOverrides[tld] == nil { tlds[d.registrar, default: []].insert(tld) }
        }

        let (prices, problems) = try await fetchPrices(tlds, inventory: inventory, request: request, environment: environment)
        func price(_ inv: Inventory) -> CostReport {
            CostEstimator(renewalPrices: prices, priceProblems: problems, plannedEmails: PlannedVolume.monthly(inv, from: request.now))
                .estimate(inv)
        }
        let report = price(inventory)
        let delta = base.map { CostDelta(base: request.base!, from: price($0), to: report) }
        return Outcome(report: report, delta: delta, notes: notes)
    }

    /// Renewal prices by account and TLD; an account whose API could not be
    /// asked gets a problem instead (the report names it and leaves its domains out).
    static func fetchPrices(_ tlds: [String: Set<String>], inventory: Inventory, request: Request, environment: [String: String]) async throws
        -> ([String: [String: USD]], [String: String]) {
        var sandbox: SandboxSession?
        var inv = inventory, env = environment, endpoints: [String: URL] = [:]
        if request.sandbox {
            let s = try await SandboxSession.start(inventory: inventory, limits: request.rateLimits)
            sandbox = s
            (inv, env, endpoints) = s.bind(inventory)
        }
        let (sources, known) = RegistrarPricing.sources(for: inv, environment: env, endpoints: endpoints)
        var problems = known
        var prices: [String: [String: USD]] = [:]
        for (account, wanted) in tlds.sorted(by: { $0.key < $1.key }) {
            guard let source = sources[account] else { continue }
            do { prices[account] = try await source.renewalPrices(tlds: wanted) } catch {
                problems[account] = "its pricing API failed: \(error)"
            }
        }
        await sandbox?.stop()
        return (prices, problems)
    }
}
