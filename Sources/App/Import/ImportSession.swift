import DNSRecords
import Foundation
import Inventory
import Providers
import Reconciler
import Store

/// What `reconcile import` did.
public struct ImportResult: Sendable {
    /// Written under the output directory, relative to it.
    public var files: [String]
    public var groups: Int
    public var domains: Int
    public var mailboxes: Int
    public var extraRecords: Int
    /// Domain → why it was not imported.
    public var leftOut: [String: String]
    /// What a plan of the written inventory would still do, one line each:
    /// empty when the import round-trips (the promise: `--plan` shows 0 changes).
    public var remaining: [String]
    /// The loader's and compiler's warnings about the written inventory.
    public var warnings: [String]
    public var estimate: [String]
}

/// `reconcile import`: reads the accounts of an accounts-only inventory and
/// writes the full inventory that describes what they hold.
///
/// The records reconcile would generate are recognised by compiling the
/// proposed inventory and planning it against what was read (the real
/// planner, on a scratch state, every observation from its cache): what the
/// plan keeps as unmanaged is exactly what must become `extra_records`.
/// The result is planned once more the same way; anything that plan would
/// still change is reported, so the promise "`--plan` shows 0 changes" is
/// checked before the files are written, not hoped for.
public enum ImportSession {
    public static func run(_ request: ImportRequest,
                           environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> ImportResult {
        try checkOut(request)
        let input = try AccountsInventory.load(directory: request.inventoryDirectory)
        try input.check(sources: request.sources, directory: request.inventoryDirectory)

        var sandbox: SandboxSession?
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-import-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        do {
            let providers: FleetProviders
            if request.sandbox {
                let s = try await SandboxSession.start(inventory: input.inventory, limits: request.rateLimits)
                sandbox = s
                let bound = s.bind(input.inventory)
                providers = try FleetProviders.build(for: bound.inventory, environment: bound.environment, endpoints: bound.endpoints,
                                                     limits: request.rateLimits)
            } else {
                if !request.rateLimits { try RateLimitGuard.check(input.inventory) }
                let state = try StateLocation.resolve(option: request.state, environment: environment, inventory: input.inventory.state,
                                                      defaultPath: StateChoice.defaultPath)
                // The budgets the state shares: a PostgreSQL state's with every host, a file's on this one.
                let sharedRates = state.isPostgres ? SharedRateLedgerStore(try StateStore(location: state)) : nil
                providers = try FleetProviders.build(for: input.inventory, environment: environment, limits: request.rateLimits,
                                                     rateDirectory: StateChoice.rateDirectory(for: state), sharedRates: sharedRates)
            }
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let store = try StateStore(path: scratch + "/state.sqlite")
            let result = try await Importer(request: request, input: input, providers: providers, store: store).run()
            await sandbox?.stop()
            return result
        } catch {
            await sandbox?.stop()
            if let e = error as? FleetSetupError { throw AppError("cannot use the inventory's accounts:\n" + e.description) }
            throw error
        }
    }

    /// The output directory must be new or empty: import never overwrites an inventory.
    static func checkOut(_ request: ImportRequest) throws {
        let out = URL(fileURLWithPath: request.outDirectory).standardizedFileURL.path
        let input = URL(fileURLWithPath: request.inventoryDirectory).standardizedFileURL.path
        if out == input { throw AppError("--out \(request.outDirectory) is the input inventory: write the import elsewhere") }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDir) {
            guard isDir.boolValue else { throw AppError("--out \(request.outDirectory) is a file, not a directory") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if !entries.isEmpty { throw AppError("--out \(request.outDirectory) is not empty: import writes a new inventory, it never overwrites one") }
        }
    }
}

/// One import run, its accounts open.
struct Importer {
    let request: ImportRequest
    let input: AccountsInventory
    let providers: FleetProviders
    let store: StateStore

    var inventory: Inventory { input.inventory }
    func say(_ s: String) { request.progress?(s) }

    func run() async throws -> ImportResult {
        let listings = try await FleetDiscovery.list(inventory, providers: providers, say: say)
        var discovery = FleetDiscovery.select(listings, inventory: inventory, request: request)
        let estimate = ImportEstimate(discovery.found, listed: listings.registrars.mapValues(\.count),
                                      zohoIncomplete: listings.zohoIncomplete, inventory: inventory,
                                      limits: request.rateLimits)
        say("importing \(discovery.found.count) domains (\(discovery.leftOut.count) left out):")
        for l in estimate.lines { say(l) }

        // Everything read goes into the scratch state's observation cache;
        // the plans below read only from there (and the registrar listings).
        let reader = CachedReader(cache: ObservationCache(store), policy: .full)
        try await discovery.observe(inventory, providers: providers, reader: reader, request: request)
        var fleet = try ImportInference(inventory: inventory, discovery: discovery, hasDefaults: input.sections.contains("defaults"),
                                        hasMonitoring: input.sections.contains("monitoring"),
                                        inputDirectory: request.inventoryDirectory).infer()

        say("classifying the records of \(fleet.groups.reduce(0) { $0 + $1.domains.count }) domains")
        let candidate = try await plan(fleet)
        classify(&fleet, by: candidate)

        say("checking the result: planning it against what was read")
        let check = try await plan(fleet)
        var remaining: [String] = []
        let actions = Dictionary(grouping: check.plan.actions, by: \.address.domain)
        let summaries = Dictionary(check.plan.domains.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        for gi in fleet.groups.indices {
            for di in fleet.groups[gi].domains.indices {
                let name = fleet.groups[gi].domains[di].name
                var lines = (actions[name] ?? []).map(Self.describe)
                if let why = summaries[name]?.blocked { lines.append("not planned: \(why)") }
                for l in lines { fleet.groups[gi].domains[di].notes.append("the first plan will still \(l)") }
                remaining += lines.map { "\(name): \($0)" }
            }
        }
        let files = yaml(fleet).files()
        let written = try write(files)
        let domains = fleet.groups.flatMap(\.domains)
        return ImportResult(files: written, groups: fleet.groups.count, domains: domains.count,
                            mailboxes: domains.reduce(0) { $0 + $1.mailboxes.count },
                            extraRecords: domains.reduce(0) { $0 + $1.extras.count }, leftOut: fleet.leftOut,
                            remaining: remaining, warnings: check.warnings, estimate: estimate.lines)
    }

    func yaml(_ fleet: ImportedFleet) -> ImportYAML {
        var y = ImportYAML(fleet: fleet)
        var words = ["reconcile import"]
        let from = request.sources.contains(.all) ? ["all"] : request.sources.map(\.rawValue).sorted()
        words.append("--from " + from.joined(separator: ","))
        if request.unmanaged != .extra { words.append("--unmanaged-records \(request.unmanaged.rawValue)") }
        y.command = words.joined(separator: " ")
        return y
    }

    /// The input files and the generated ones, as the loader will read the output directory.
    func inventoryFiles(_ fleet: ImportedFleet) -> [(name: String, text: String)] {
        (input.files + yaml(fleet).files()).sorted { $0.name < $1.name }
    }

    /// Compiles `fleet` and plans it with the scratch state: observations
    /// come from the cache (`--refresh none`), no record is owned.
    func plan(_ fleet: ImportedFleet) async throws -> (plan: Plan, warnings: [String]) {
        let files = inventoryFiles(fleet)
        let compiled: (LoadResult, DesiredState)
        do { compiled = try Self.compile(files) } catch {
            throw AppError("the imported inventory does not compile (a value import cannot express, or a bug in import):\n"
                           + error.diagnostics.map(\.description).joined(separator: "\n"))
        }
        let planner = FleetPlanner(desired: compiled.1, inventoryHash: compiled.0.contentHash, providers: providers, store: store,
                                   concurrency: request.concurrency)
        let plan = try await planner.plan(refresh: .none).plan
        let warnings = (compiled.0.warnings + compiled.1.warnings).sorted().map(\.description)
        return (plan, warnings)
    }

    static func compile(_ files: [(name: String, text: String)]) throws(InventoryError) -> (LoadResult, DesiredState) {
        let loaded = try InventoryLoader().load(files: files.map { (file: $0.name, text: $0.text) })
        return (loaded, try DesiredStateCompiler.compile(loaded.inventory))
    }

    /// Unmanaged records become extra records (or comments with
    /// `--unmanaged-records skip`); a registrar's parking records, which a
    /// plan would delete, are kept as extra records either way.
    func classify(_ fleet: inout ImportedFleet, by candidate: (plan: Plan, warnings: [String])) {
        let ttl = fleet.defaults?.ttl.value ?? inventory.defaults.ttl
        let actions = Dictionary(grouping: candidate.plan.actions, by: \.address.domain)
        let summaries = Dictionary(candidate.plan.domains.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
        for gi in fleet.groups.indices {
            for di in fleet.groups[gi].domains.indices {
                var d = fleet.groups[gi].domains[di]
                let summary = summaries[d.name]
                for r in summary?.unmanagedKept ?? [] {
                    if request.unmanaged == .skip {
                        d.notes.append("unmanaged, left as it is: \(Self.show(r, zone: d.name))")
                    } else {
                        add(r, source: "not generated by reconcile", ttl: ttl, to: &d)
                    }
                }
                for a in actions[d.name] ?? [] where a.registrarDefault == true && a.operation == .delete {
                    guard let r = a.before?.record else { continue }
                    add(r, source: "a registrar default (parking) record: kept, as the domain serves it now", ttl: ttl, to: &d)
                }
                for f in summary?.foreignKept ?? [] {
                    d.notes.append("a record type reconcile does not manage, left as it is: \(f)")
                }
                fleet.groups[gi].domains[di] = d
            }
        }
    }

    func add(_ r: DNSRecord, source: String, ttl: Int, to d: inout ImportedDomain) {
        let rel = DomainName.relative(r.name, zone: d.name)
        let record = ImportedRecord(name: rel.isEmpty ? "@" : rel, type: r.type, ttl: r.ttl == ttl ? nil : r.ttl,
                                    priority: r.type == .MX ? r.priority : nil, value: r.value, source: source)
        // The loader's own checks for an extra record: a TTL in range and a value of the type's shape.
        let extra = ExtraRecord(name: record.name, type: r.type, ttl: record.ttl, priority: record.priority, value: r.value)
        let problems = RecordValidator().problems(extra.record(in: "zone.invalid", defaultTTL: ttl)).filter { $0.severity == .error }
        if !(60...86_400).contains(r.ttl) || !problems.isEmpty {
            let why = problems.first?.message ?? "TTL \(r.ttl) is outside 60–86400"
            d.notes.append("left unmanaged, the inventory cannot express it (\(why)): \(Self.show(r, zone: d.name))")
            return
        }
        d.extras.append(record)
    }

    static func show(_ r: DNSRecord, zone: String) -> String {
        let rel = DomainName.relative(r.name, zone: zone)
        return "\(rel.isEmpty ? "@" : rel) \(r.ttl) \(r.type.rawValue) \(r.priority.map { "\($0) " } ?? "")\(r.value)"
    }

    static func describe(_ a: PlanAction) -> String {
        "\(a.operation.rawValue) \(a.address)" + (a.note.map { " (\($0))" } ?? "")
    }

    /// Writes the input files and the generated ones; refuses a generated
    /// name the input already uses, before writing anything.
    func write(_ generated: [(name: String, text: String)]) throws -> [String] {
        let inputNames = Set(input.files.map(\.name))
        if let clash = generated.first(where: { inputNames.contains($0.name) }) {
            throw AppError("\(request.inventoryDirectory)/\(clash.name): import writes a file of that name; rename the input file")
        }
        let fm = FileManager.default
        var written: [String] = []
        for (name, text) in (input.files + generated).sorted(by: { $0.name < $1.name }) {
            let path = request.outDirectory + "/" + name
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(name)
        }
        return written
    }
}
