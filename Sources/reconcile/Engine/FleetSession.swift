import ArgumentParser
import Foundation
import Inventory
import Reconciler
import Store

/// Everything a `--plan`, `--apply` or `drift` run sets up from its options:
/// the compiled inventory, the providers (real or sandboxed), the state
/// store, the scope. `close()` stops a sandbox and saves its world.
struct FleetSession {
    let inventory: Inventory
    let desired: DesiredState
    let planner: FleetPlanner
    let scope: FleetPlanner.Scope
    let sandbox: SandboxSession?
    let redactor: SecretRedactor
    /// Domains a `--changed-since` scope left out, for the summary line.
    let scopeNote: String?

    static func open(_ options: FleetOptions, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> FleetSession {
        let (inventory, desired) = try loadInventory(options.inventory)
        let (scope, note) = try await resolveScope(options, desired: desired, inventory: inventory)
        var sandbox: SandboxSession? = nil
        var providers: FleetProviders
        do {
            if options.sandbox {
                let s = try await SandboxSession.start(inventoryDirectory: options.inventory, limits: !options.noRateLimits)
                sandbox = s
                let bound = s.bind(inventory)
                providers = try FleetProviders.build(for: bound.inventory, environment: bound.environment, endpoints: bound.endpoints,
                                                     limits: !options.noRateLimits)
            } else {
                // Rate limits are only ever lifted for emulators on this machine.
                if options.noRateLimits, let real = inventory.sortedAccounts.first(where: { !isLoopback($0.endpoint) }) {
                    throw CLIError("--no-rate-limits is only for emulators: account \(real.name) does not point at 127.0.0.1")
                }
                providers = try FleetProviders.build(for: inventory, environment: environment, limits: !options.noRateLimits)
            }
            let store = try StateStore(path: options.statePath)
            let tty = isatty(2) != 0
            var progress: (@Sendable (ObserveProgress) -> Void)? = nil
            if options.progress.mode.enabled(isTTY: tty) {
                progress = { @Sendable p in stderr(progressLine(p, tty: tty)) }
            }
            let hash = try FleetPlanner.inventoryHash(files: inventory.files, directory: options.inventory)
            let planner = FleetPlanner(desired: desired, inventoryHash: hash, providers: providers, store: store,
                                       concurrency: options.concurrency, progress: progress)
            return FleetSession(inventory: inventory, desired: desired, planner: planner, scope: scope, sandbox: sandbox,
                                redactor: SecretRedactor(secrets: providers.secretValues), scopeNote: note)
        } catch {
            await sandbox?.stop()
            if let e = error as? FleetSetupError { throw CLIError("cannot use the inventory's accounts:\n" + e.description) }
            throw error
        }
    }

    func close() async { await sandbox?.stop() }

    /// Loads and compiles; errors are printed as `validate` prints them.
    static func loadInventory(_ directory: String) throws -> (Inventory, DesiredState) {
        do {
            let loaded = try InventoryLoader().load(directory: directory)
            do {
                return (loaded.inventory, try DesiredStateCompiler().compile(loaded.inventory))
            } catch {
                throw InventoryError(error.diagnostics + loaded.warnings)
            }
        } catch let error as InventoryError {
            var text = error.errors.map(\.description).joined(separator: "\n") + "\n"
            text += "\(error.errors.count) error\(error.errors.count == 1 ? "" : "s") in the inventory\n"
            stderr(text)
            throw ExitCode.failure
        }
    }

    /// `--domain`, `--group` (their union) and `--changed-since` (intersected
    /// with them). Unknown names are errors, not silently empty plans.
    static func resolveScope(_ o: FleetOptions, desired: DesiredState, inventory: Inventory) async throws -> (FleetPlanner.Scope, String?) {
        let split = { (values: [String]) in values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty } }
        let known = Set(desired.domains.map(\.name))
        var picked: Set<String>? = nil
        let domains = split(o.domains).map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
        for d in domains where !known.contains(d) { throw CLIError("--domain \(d): not a domain of the inventory") }
        let groups = split(o.groups)
        let groupNames = Set(desired.domains.map { $0.group.lowercased() })
        for g in groups where !groupNames.contains(g) {
            throw CLIError("--group \(g): not a group of the inventory (groups: \(groupNames.sorted().joined(separator: ", ")))")
        }
        if !domains.isEmpty || !groups.isEmpty {
            picked = Set(domains).union(desired.domains.filter { groups.contains($0.group.lowercased()) }.map(\.name))
        }
        var note: String? = nil
        if let ref = o.changedSince {
            let changed = try await ChangedScope.domains(changedSince: ref, inventoryDirectory: o.inventory, desired: desired)
            picked = picked.map { $0.intersection(changed.domains) } ?? changed.domains
            note = changed.note
        }
        return (FleetPlanner.Scope(domains: picked), note)
    }
}

/// A user-facing error: printed as `error: …`, exit 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func stderr(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

/// On a terminal the progress line rewrites itself; elsewhere one line per step.
func progressLine(_ p: ObserveProgress, tty: Bool) -> String {
    let line = p.line(now: Date())
    return tty ? "\r\u{1B}[K" + line + (p.done == p.total ? "\n" : "") : line + "\n"
}

func isLoopback(_ endpoint: String?) -> Bool {
    guard let host = endpoint.flatMap(URL.init(string:))?.host else { return false }
    return host == "127.0.0.1" || host == "localhost" || host == "::1"
}
