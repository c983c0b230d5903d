import ArgumentParser
import Foundation
import Inventory
import Sandbox

/// `reconcile sandbox`: every provider emulator on loopback until SIGINT or
/// SIGTERM. The first stdout line is one JSON object keyed by API name with
/// each service's `url` and credentials, so scripts can drive it.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the provider emulators (Porkbun, Namecheap, Mailgun US/EU, Zoho, Telegram) on 127.0.0.1 until stopped.")

    @Option(help: "Inventory whose domains start registered at their registrar (default ./inventory when it exists).")
    var inventory: String?

    @Option(name: .customLong("seed-domains"), help: "Domains registered at start, e.g. porkbun:a.com,namecheap:b.net")
    var seedDomains: String?

    @Option(help: "JSON file holding the world between runs (loaded if present, saved on exit).")
    var state: String?

    @Flag(name: .customLong("no-limits"), help: "Do not enforce the providers' real rate limits.")
    var noLimits = false

    @Option(help: "Probability (0–1) that a request gets an injected fault, spread over 5xx, unavailable page, timeout, drop, slow.")
    var faults: Double = 0

    @Option(name: .customLong("fault-seed"), help: "Seed of the fault dice (same seed, same faults).")
    var faultSeed: UInt64 = 1

    @Option(name: .customLong("hang-seconds"), help: "How long an injected timeout hangs (default beyond every client timeout: Namecheap 60 s).")
    var hangSeconds: Double = 65

    func validate() throws {
        guard (0...1).contains(faults) else { throw ValidationError("--faults must be between 0 and 1") }
        if let seedDomains {
            let known = SandboxWorld.registrarAPIs
            for api in try SandboxSeed.parse(seedDomains).domains.keys where !known.contains(api) {
                throw ValidationError("--seed-domains: unknown registrar '\(api)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
    }

    func run() async throws {
        let seed: SandboxSeed
        if let seedDomains { seed = try SandboxSeed.parse(seedDomains) }
        else if let state, FileManager.default.fileExists(atPath: state) { seed = SandboxSeed() }
        else if let dir = inventory ?? (FileManager.default.fileExists(atPath: "inventory") ? "inventory" : nil) {
            seed = try Self.seed(fromInventory: dir)
        } else { seed = .demo }
        let options = SandboxOptions(limits: !noLimits, faults: .uniform(faults, hangSeconds: hangSeconds),
                                     faultSeed: faultSeed, statePath: state)
        let world = try await SandboxWorld.start(seed: seed, options: options)
        // Written straight to fd 1 so the line is out before anything else, buffered or not.
        FileHandle.standardOutput.write(Data((world.descriptorJSON() + "\n").utf8))
        FileHandle.standardError.write(Data("sandbox: \(world.services.count) services on 127.0.0.1; stop with Ctrl-C\n".utf8))
        // Saved every two seconds as well, so even a SIGKILL loses at most that much.
        let saver = state.map { path in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 2_000_000_000)
                    try? world.saveState(to: path)
                }
            }
        }
        await waitForTermination()
        saver?.cancel()
        await world.stop()
        FileHandle.standardError.write(Data("sandbox: stopped\(state.map { ", state saved to \($0)" } ?? "")\n".utf8))
    }

    /// Every inventory domain registered at its registrar account's API, as if
    /// just bought: the tool never buys domains, the sandbox pretends they were.
    /// The Zoho emulator is the inventory's (first) zoho organisation: its region
    /// and `org_id`, so clients built from the inventory reach it and verify.
    static func seed(fromInventory dir: String) throws -> SandboxSeed {
        let inventory: Inventory
        do { inventory = try InventoryLoader().load(directory: dir).inventory } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode.failure
        }
        var domains: [String: [String]] = [:]
        for d in inventory.domains {
            guard let kind = inventory.account(named: d.registrar)?.kind, kind.isRegistrar else { continue }
            domains[kind.rawValue, default: []].append(d.name)
        }
        var zoho: SandboxZohoOrg?
        if let account = inventory.sortedAccounts.first(where: { $0.zoho != nil }), let z = account.zoho {
            do { zoho = try SandboxZohoOrg(region: z.region.rawValue, orgID: z.orgID) } catch {
                FileHandle.standardError.write(Data("\(account.location): accounts.\(account.name): \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
        return SandboxSeed(domains: domains, zoho: zoho)
    }

    /// Suspends until SIGINT or SIGTERM arrives.
    private func waitForTermination() async {
        let signals = [SIGINT, SIGTERM]
        for s in signals { signal(s, SIG_IGN) }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let once = SignalOnce(cont)
            for s in signals {
                let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                once.keep(source)
            }
        }
    }
}

private final class SignalOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var cont: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ cont: CheckedContinuation<Void, Never>) { self.cont = cont }

    func keep(_ s: any DispatchSourceSignal) { lock.withLock { sources.append(s) } }

    func fire() {
        let c: CheckedContinuation<Void, Never>? = lock.withLock { let c = cont; cont = nil; return c }
        c?.resume()
    }
}
