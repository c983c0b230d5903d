import Foundation
import Providers
import Inventory
import Reconciler
import Store

/// Everything a `--plan`, `--apply` or `drift` run sets up: the compiled
/// inventory, the providers (real or sandboxed), the state store, the scope.
/// Printing nothing, it is usable from a test as from the CLI. `close()`
/// stops a sandbox and saves its world.
public struct FleetSession: Sendable {
    /// What a run asks for (the CLI's options, as plain values).
    public struct Request: Sendable {
        public var inventoryDirectory: String
        /// `--state` as given (a file or a PostgreSQL URL); see `stateLocation`.
        public var state: String?
        public var scope: ScopeRequest
        /// Every provider emulated in-process (`--sandbox`).
        public var sandbox: Bool
        /// False lifts the clients' rate budgets; refused unless every API is on loopback.
        public var rateLimits: Bool
        public var concurrency: Int
        public var progress: (@Sendable (ObserveProgress) -> Void)?
        /// With `sandbox`: serve the world's zones over DNS (Knot) for `check`.
        public var publishDNS: Bool

        public init(inventoryDirectory: String = "inventory", state: String? = nil, scope: ScopeRequest = ScopeRequest(),
                    sandbox: Bool = false, rateLimits: Bool = true, concurrency: Int = 16,
                    progress: (@Sendable (ObserveProgress) -> Void)? = nil, publishDNS: Bool = false) {
            self.publishDNS = publishDNS
            self.inventoryDirectory = inventoryDirectory
            self.state = state
            self.scope = scope
            self.sandbox = sandbox
            self.rateLimits = rateLimits
            self.concurrency = concurrency
            self.progress = progress
        }

        /// `--state`, `RECONCILE_STATE`, the inventory's `state:`, else the
        /// sandbox's own state file or `.reconcile/state.sqlite`.
        public func stateLocation(inventory: Inventory,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StateLocation {
            try StateChoice.resolve(option: state, inventory: inventory,
                                    defaultPath: sandbox ? StateChoice.sandboxPath : StateChoice.defaultPath, environment: environment)
        }
    }

    public let compiled: CompiledInventory
    public let planner: FleetPlanner
    public let scope: FleetPlanner.Scope
    public let sandbox: SandboxSession?
    public let redactor: Redactor
    /// What a `--changed-since` scope read and left out, for stderr.
    public let scopeNote: String?
    /// The state this run opened (for messages: its `description` is redacted).
    public let stateLocation: StateLocation

    public var inventory: Inventory { compiled.inventory }
    public var desired: DesiredState { compiled.desired }

    /// Loads once; an invalid inventory throws its `InventoryError` (every
    /// problem, located), a setup problem an `AppError`.
    public static func open(_ request: Request, environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> FleetSession {
        let compiled = try InventoryLoader().loadAndCompile(directory: request.inventoryDirectory)
        let location = try request.stateLocation(inventory: compiled.inventory, environment: environment)
        let resolved = try await request.scope.resolve(desired: compiled.desired, inventoryDirectory: request.inventoryDirectory)
        var sandbox: SandboxSession? = nil
        do {
            let providers: FleetProviders
            let store: StateStore
            if request.sandbox {
                let s = try await SandboxSession.start(inventory: compiled.inventory, limits: request.rateLimits,
                                                       publishDNS: request.publishDNS)
                sandbox = s
                let bound = s.bind(compiled.inventory)
                providers = try FleetProviders.build(for: bound.inventory, environment: bound.environment, endpoints: bound.endpoints,
                                                     limits: request.rateLimits)
                store = try StateStore(location: location)
            } else {
                if !request.rateLimits { try RateLimitGuard.check(compiled.inventory) }
                store = try StateStore(location: location)
                // A PostgreSQL state shares the budgets with every host; a file state, beside itself on this one.
                providers = try FleetProviders.build(for: compiled.inventory, environment: environment, limits: request.rateLimits,
                                                     rateDirectory: StateChoice.rateDirectory(for: location),
                                                     sharedRates: SharedRateLedgerStore(store))
            }
            var planner = FleetPlanner(desired: compiled.desired, inventoryHash: compiled.contentHash, providers: providers,
                                       store: store, concurrency: request.concurrency, progress: request.progress)
            planner.expiryWarning = Double(compiled.inventory.monitoring.expiryWarning.seconds)
            return FleetSession(compiled: compiled, planner: planner, scope: resolved.scope, sandbox: sandbox,
                                redactor: Redactor(secrets: providers.secretValues), scopeNote: resolved.note,
                                stateLocation: location)
        } catch {
            await sandbox?.stop()
            if let e = error as? FleetSetupError { throw AppError("cannot use the inventory's accounts:\n" + e.description) }
            throw error
        }
    }

    public func close() async { await sandbox?.stop() }

    /// The safety thresholds: the inventory's `safety:` settings, with
    /// `--allow-destructive` on top.
    public func safetyPolicy(allowDestructive: Bool) -> SafetyPolicy {
        let s = inventory.safety
        return SafetyPolicy(maxRewriteFraction: s.maxRewrite.fraction,
                            minimumManagedRecords: s.minimumManagedRecords, maxDomainTeardowns: s.maxTeardowns,
                            allowDestructive: allowDestructive)
    }
}
